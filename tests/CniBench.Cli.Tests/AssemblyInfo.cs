using System.Runtime.Versioning;

// The CLI under test drives Linux network namespaces, /proc and POSIX signals: these tests are Linux-only.
[assembly: SupportedOSPlatform("linux")]
