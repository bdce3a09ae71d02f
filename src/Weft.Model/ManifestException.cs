namespace Weft.Model;

/// <summary>
/// A manifest could not be read. The message names the source, the document and the field,
/// e.g. "pods.yaml document 2: field 'kind' is required".
/// </summary>
public sealed class ManifestException : FormatException
{
    public ManifestException(string origin, int document, string detail)
        : base(document > 0 ? $"{origin} document {document}: {detail}" : $"{origin}: {detail}")
    {
        Origin = origin;
        Document = document;
        Detail = detail;
    }

    /// <summary>File path as given, "&lt;stdin&gt;", or the name passed with the text.</summary>
    public string Origin { get; }

    /// <summary>1-based document number in the source; 0 when the source as a whole is at fault.</summary>
    public int Document { get; }

    /// <summary>The message without the origin and document prefix.</summary>
    public string Detail { get; }
}
