namespace Weft.Agent;

/// <summary>Timestamped lines on stderr; the supervisor (systemd, DaemonSet, the lab) keeps them.</summary>
internal static class Log
{
    private static readonly Lock Gate = new();

    public static void Info(string msg) => Write("I", msg);

    public static void Warn(string msg) => Write("W", msg);

    public static void Error(string msg) => Write("E", msg);

    private static void Write(string level, string msg)
    {
        lock (Gate)
        {
            Console.Error.WriteLine($"{level} {DateTime.UtcNow:HH:mm:ss.fff} {msg}");
        }
    }
}
