namespace Weft.Model.Tests;

internal static class TestFiles
{
    public static string Path(params string[] parts) =>
        System.IO.Path.Combine([AppContext.BaseDirectory, "TestData", .. parts]);
}
