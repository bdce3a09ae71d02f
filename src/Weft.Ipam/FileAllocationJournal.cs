using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Weft.Ipam;

/// <summary>
/// Keeps the allocator state in one JSON file (e.g. /var/lib/weft/ipam.json). Save writes a temporary
/// file next to it and renames it over the old one, so a crash of the agent leaves either the old or the
/// new state, never a torn file. It does not fsync: the page cache survives an agent crash, and a machine
/// crash also kills every pod, whose stale allocations the agent's sweep then releases (no veth, no pod).
/// An fsync per ADD would cost about 3 ms of every pod start on ordinary disks.
/// </summary>
public sealed class FileAllocationJournal(string path) : IAllocationJournal
{
    private const int FormatVersion = 1;

    /// <summary>The journal file.</summary>
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <inheritdoc />
    public IpamState? Load()
    {
        string json;
        try
        {
            json = File.ReadAllText(Path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        JournalFile? file;
        try
        {
            file = JsonSerializer.Deserialize(json, JournalJsonContext.Default.JournalFile);
        }
        catch (JsonException e)
        {
            throw new IpamException($"IPAM journal {Path}: not valid JSON ({e.Message})", e);
        }
        if (file is null)
        {
            throw new IpamException($"IPAM journal {Path}: empty document");
        }
        if (file.Version != FormatVersion)
        {
            throw new IpamException($"IPAM journal {Path}: field 'version' is {file.Version}, expected {FormatVersion}");
        }
        return ToState(file);
    }

    /// <inheritdoc />
    public void Save(IpamState state)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var temp = Path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, ToFile(state), JournalJsonContext.Default.JournalFile);
        }
        // rename(2) replaces the old file atomically.
        File.Move(temp, Path, overwrite: true);
    }

    private IpamState ToState(JournalFile file)
    {
        var blocks = new List<IPNetwork>();
        for (var i = 0; i < file.Blocks.Count; i++)
        {
            blocks.Add(Cidr.TryParse(file.Blocks[i], out var block)
                ? block
                : throw new IpamException($"IPAM journal {Path}: blocks[{i}] '{file.Blocks[i]}' is not a valid CIDR"));
        }
        var allocations = new List<Allocation>();
        for (var i = 0; i < file.Allocations.Count; i++)
        {
            var e = file.Allocations[i];
            if (string.IsNullOrEmpty(e.ContainerId) || string.IsNullOrEmpty(e.IfName))
            {
                throw new IpamException($"IPAM journal {Path}: allocations[{i}] needs containerId and ifName");
            }
            var addresses = new List<IPAddress>();
            foreach (var text in e.Addresses)
            {
                addresses.Add(IPAddress.TryParse(text, out var a)
                    ? a
                    : throw new IpamException($"IPAM journal {Path}: allocations[{i}].addresses '{text}' is not an IP address"));
            }
            allocations.Add(new Allocation(e.ContainerId, e.IfName, e.PodNamespace ?? "", e.PodName ?? "", addresses, e.Claimed));
        }
        return new IpamState(blocks, allocations);
    }

    private static JournalFile ToFile(IpamState state) => new()
    {
        Version = FormatVersion,
        Blocks = [.. state.Blocks.Select(b => b.ToString())],
        Allocations =
        [
            .. state.Allocations.Select(a => new JournalEntry
            {
                ContainerId = a.ContainerId,
                IfName = a.IfName,
                PodNamespace = a.PodNamespace,
                PodName = a.PodName,
                Addresses = [.. a.Addresses.Select(x => x.ToString())],
                Claimed = a.Claimed,
            }),
        ],
    };
}

internal sealed class JournalFile
{
    public int Version { get; set; }
    public List<string> Blocks { get; set; } = [];
    public List<JournalEntry> Allocations { get; set; } = [];
}

internal sealed class JournalEntry
{
    public string ContainerId { get; set; } = "";
    public string IfName { get; set; } = "";
    public string? PodNamespace { get; set; }
    public string? PodName { get; set; }
    public List<string> Addresses { get; set; } = [];

    /// <summary>Addresses held by IPClaim objects rather than taken from a node block.</summary>
    public bool Claimed { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(JournalFile))]
internal sealed partial class JournalJsonContext : JsonSerializerContext;
