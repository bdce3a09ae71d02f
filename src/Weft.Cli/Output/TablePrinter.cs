namespace Weft.Cli.Output;

/// <summary>
/// Column-aligned text like kubectl's: upper-case headers, each column as wide as its widest cell
/// plus three spaces (at least six in all), and the last column left unpadded so lines carry no
/// trailing blanks.
/// </summary>
public sealed class TablePrinter
{
    private const int Padding = 3;
    private const int MinColumnWidth = 6;

    private readonly string[] _headers;
    private readonly List<string[]> _rows = [];

    public TablePrinter(IEnumerable<string> headers)
    {
        _headers = headers.Select(h => h.ToUpperInvariant()).ToArray();
        if (_headers.Length == 0)
        {
            throw new ArgumentException("a table needs at least one column", nameof(headers));
        }
    }

    public int RowCount => _rows.Count;

    /// <exception cref="ArgumentException">The row does not have one cell per header.</exception>
    public void AddRow(params IReadOnlyList<string> cells)
    {
        if (cells.Count != _headers.Length)
        {
            throw new ArgumentException($"row has {cells.Count} cells but the table has {_headers.Length} columns", nameof(cells));
        }
        _rows.Add([.. cells]);
    }

    public void Write(TextWriter writer)
    {
        var widths = new int[_headers.Length];
        for (var c = 0; c < widths.Length; c++)
        {
            var widest = _rows.Select(r => r[c].Length).Prepend(_headers[c].Length).Max();
            widths[c] = Math.Max(widest + Padding, MinColumnWidth);
        }
        WriteLine(writer, _headers, widths);
        foreach (var row in _rows)
        {
            WriteLine(writer, row, widths);
        }
    }

    private static void WriteLine(TextWriter writer, string[] cells, int[] widths)
    {
        for (var c = 0; c < cells.Length - 1; c++)
        {
            writer.Write(cells[c].PadRight(widths[c]));
        }
        writer.Write(cells[^1]);
        writer.Write('\n');
    }
}
