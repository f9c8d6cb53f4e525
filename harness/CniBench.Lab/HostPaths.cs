namespace CniBench.Lab;

/// <summary>
/// Removing host files the lab may have made. A fresh host lacks not only the file but often its folder (for example
/// /run/wireguard exists only once some wireguard-go has run), and <see cref="File.Delete"/> throws for a missing folder:
/// "already absent", at any depth, is success here.
/// </summary>
internal static class HostPaths
{
    public static void DeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            // Its folder does not exist, so neither does the file.
        }
    }

    public static void DeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone.
        }
    }
}
