using System.Xml.Linq;

namespace Weft.Architecture.Tests;

/// <summary>
/// The tree is the architecture: this test fails on any project reference that docs/architecture.md
/// does not allow. Pure logic (Core, Model, Store, Ipam) never reaches the OS; only Dataplane combines
/// kernel modules; the CNI binary knows the contract, not the agent.
/// </summary>
public class ProjectReferenceTests
{
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Weft.Core"] = [],
        ["Weft.Model"] = ["Weft.Core"],
        ["Weft.Store"] = ["Weft.Core", "Weft.Model"],
        // The etcd backend also launches a local etcd for standalone use and the lab, hence signals.
        ["Weft.Store.Etcd"] = ["Weft.Core", "Weft.Model", "Weft.Store", "Weft.Linux.Interop"],
        ["Weft.Ipam"] = ["Weft.Core", "Weft.Model", "Weft.Store"],
        ["Weft.Linux.Interop"] = [],
        ["Weft.Linux.Netlink"] = ["Weft.Linux.Interop", "Weft.Core"],
        ["Weft.Linux.Netns"] = ["Weft.Linux.Interop"],
        ["Weft.Linux.Nftables"] = ["Weft.Core", "Weft.Linux.Interop"],
        ["Weft.Policy"] = ["Weft.Core", "Weft.Model"],
        ["Weft.Qos"] = [],
        ["Weft.Dataplane"] = ["Weft.Core", "Weft.Linux.Interop", "Weft.Linux.Netlink", "Weft.Linux.Netns", "Weft.Linux.Nftables", "Weft.Policy"],
        ["Weft.Agent.Contract"] = ["Weft.Core"],
        ["Weft.Agent"] = ["Weft.Core", "Weft.Model", "Weft.Store", "Weft.Store.Etcd", "Weft.Ipam", "Weft.Qos", "Weft.Dataplane", "Weft.Agent.Contract", "Weft.Policy"],
        ["Weft.Cni"] = ["Weft.Core", "Weft.Agent.Contract"],
        // The lab builds virtual nodes out of namespaces: it uses the kernel modules directly, never the product dataplane.
        ["Weft.Lab"] = ["Weft.Core", "Weft.Model", "Weft.Store", "Weft.Store.Etcd", "Weft.Linux.Interop", "Weft.Linux.Netlink",
            "Weft.Linux.Netns", "Weft.Agent.Contract", "Weft.Qos"],
        ["Weft.Cli"] = ["Weft.Core", "Weft.Model", "Weft.Store", "Weft.Store.Etcd", "Weft.Lab", "Weft.Agent.Contract", "Weft.Linux.Netns", "Weft.Linux.Nftables", "Weft.Policy", "Weft.Ipam", "Weft.Qos"],
    };

    /// <summary>Only these may declare P/Invoke; everything native goes through Weft.Linux.Interop.</summary>
    private const string InteropProject = "Weft.Linux.Interop";

    private static string Root()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Weft.slnx")))
            {
                return d.FullName;
            }
        }
        throw new InvalidOperationException("repository root (Weft.slnx) not found");
    }

    private static IEnumerable<string> SourceProjects() =>
        Directory.GetDirectories(Path.Combine(Root(), "src")).Select(Path.GetFileName).OfType<string>();

    [Fact]
    public void Every_source_project_is_in_the_allowed_graph()
    {
        var unknown = SourceProjects().Where(p => !Allowed.ContainsKey(p)).ToList();
        Assert.True(unknown.Count == 0, $"add these projects to the allowed graph and docs/architecture.md: {string.Join(", ", unknown)}");
    }

    [Fact]
    public void Source_projects_reference_only_what_the_architecture_allows()
    {
        var violations = new List<string>();
        foreach (var project in SourceProjects())
        {
            var csproj = XDocument.Load(Path.Combine(Root(), "src", project, project + ".csproj"));
            var refs = csproj.Descendants("ProjectReference")
                .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value));
            violations.AddRange(refs.Where(r => !Allowed.GetValueOrDefault(project, []).Contains(r)).Select(r => $"{project} → {r}"));
        }
        Assert.True(violations.Count == 0, "references not allowed by the architecture: " + string.Join("; ", violations));
    }

    [Fact]
    public void Only_the_interop_project_declares_native_imports()
    {
        var offenders = Directory.GetFiles(Path.Combine(Root(), "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"/src/{InteropProject}/", StringComparison.Ordinal))
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal))
            .Where(f =>
            {
                var text = File.ReadAllText(f);
                return text.Contains("[LibraryImport", StringComparison.Ordinal) || text.Contains("[DllImport", StringComparison.Ordinal);
            })
            .Select(f => Path.GetRelativePath(Root(), f))
            .ToList();
        Assert.True(offenders.Count == 0, "P/Invoke outside Weft.Linux.Interop: " + string.Join(", ", offenders));
    }

    [Fact]
    public void Pure_projects_do_not_use_processes_or_the_kernel()
    {
        string[] pure = ["Weft.Core", "Weft.Model", "Weft.Store", "Weft.Ipam", "Weft.Policy", "Weft.Qos"];
        string[] forbidden = ["System.Diagnostics.Process", "Process.Start", "/proc/", "/sys/", "Weft.Linux"];
        var offenders = pure.SelectMany(p => Directory.GetFiles(Path.Combine(Root(), "src", p), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal))
            .SelectMany(f => forbidden.Where(w => File.ReadAllText(f).Contains(w, StringComparison.Ordinal))
                .Select(w => $"{Path.GetRelativePath(Root(), f)} uses {w}"))
            .ToList();
        Assert.True(offenders.Count == 0, string.Join("; ", offenders));
    }

    [Fact]
    public void No_source_file_grows_into_a_god_file()
    {
        var big = Directory.GetFiles(Path.Combine(Root(), "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal))
            .Select(f => (f, lines: File.ReadLines(f).Count()))
            .Where(x => x.lines > 500)
            .Select(x => $"{Path.GetRelativePath(Root(), x.f)} ({x.lines} lines)")
            .ToList();
        Assert.True(big.Count == 0, "split these files: " + string.Join(", ", big));
    }
}
