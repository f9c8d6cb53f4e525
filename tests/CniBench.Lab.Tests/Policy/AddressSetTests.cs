using System.Net;
using CniBench.Lab.Policy;

namespace CniBench.Lab.Tests.Policy;

public sealed class AddressSetTests
{
    [Theory]
    [InlineData("198.19.1.7/24", "198.19.1.0/24")]
    [InlineData("198.19.1.7/32", "198.19.1.7")]
    [InlineData("0.0.0.0/0", "0.0.0.0/0")]
    [InlineData("::/0", "::/0")]
    [InlineData("2001:db8::1/64", "2001:db8::/64")]
    public void TryParseCidr_HostBitsSet_MasksThemAndFormatsAsNftElement(string text, string expected)
    {
        Assert.True(AddressRange.TryParseCidr(text, out var range));
        Assert.Equal(expected, range.ToString());
    }

    [Theory]
    [InlineData("198.19.1.0")]
    [InlineData("198.19.1.0/33")]
    [InlineData("nonsense/8")]
    [InlineData("198.19.1.0/-1")]
    public void TryParseCidr_Malformed_Fails(string text) => Assert.False(AddressRange.TryParseCidr(text, out _));

    [Fact]
    public void Remove_HolesAtEdgeAndMiddle_LeavesTheRest()
    {
        var set = new AddressSet();
        set.Add(AddressRange.ParseCidr("198.18.0.0/15"));

        set.Remove(AddressRange.ParseCidr("198.18.0.0/16"));
        set.Remove(AddressRange.ParseCidr("198.19.1.0/24"));
        set.Remove(AddressRange.ParseCidr("2001:db8::/32"));

        Assert.Equal(["198.19.0.0/24", "198.19.2.0-198.19.255.255"], set.Of(System.Net.Sockets.AddressFamily.InterNetwork).Select(r => r.ToString()));
        Assert.True(set.Contains(IPAddress.Parse("198.19.0.9")));
        Assert.False(set.Contains(IPAddress.Parse("198.19.1.9")));
        Assert.False(set.Contains(IPAddress.Parse("198.18.3.3")));
    }

    [Fact]
    public void Add_OverlappingAndTouching_MergesOverlapsKeepsTouchingApart()
    {
        var set = new AddressSet();
        set.Add(AddressRange.Single(IPAddress.Parse("198.19.1.3")));
        set.Add(AddressRange.Single(IPAddress.Parse("198.19.1.2")));
        set.Add(AddressRange.ParseCidr("198.19.1.0/30"));
        set.Add(AddressRange.Single(IPAddress.Parse("198.19.1.4")));

        Assert.Equal(["198.19.1.0/30", "198.19.1.4"], set.Of(System.Net.Sockets.AddressFamily.InterNetwork).Select(r => r.ToString()));
    }
}
