namespace Weft.Cli.Output;

/// <summary>kubectl's -o values that Weft supports; Table is the default (no -o).</summary>
public enum OutputFormat
{
    Table,
    Wide,
    Json,
    Yaml,
}
