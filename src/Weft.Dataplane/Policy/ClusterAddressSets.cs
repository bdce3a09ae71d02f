using System.Net;
using System.Net.Sockets;
using Weft.Linux.Nftables;
using Weft.Policy.Evaluation;

namespace Weft.Dataplane.Policy;

/// <summary>
/// The <c>cluster</c> entity's sets (every pod and node address), carried from one compile to the next. Only
/// the namespaces whose pod-list instance changed, and the nodes, are read again, and each new set is derived
/// from the previous one, so the renderer sends just the addresses that came or went: without this, one pod
/// joining rebuilt and compared a set of every pod in the cluster. Part of <see cref="CompileMemo"/>.
/// Invariant: after an update, every set in <c>_sets</c> holds exactly the addresses of its family in <c>_holders</c>.
/// </summary>
internal sealed class ClusterAddressSets
{
    // How many pods and nodes hold each address (a host-network pod shares its node's).
    private readonly Dictionary<IPAddress, int> _holders = [];
    private readonly Dictionary<string, NftSet> _sets = new(StringComparer.Ordinal);
    private Dictionary<string, IReadOnlyList<PodInfo>> _lists = new(StringComparer.Ordinal);
    private IReadOnlyList<NodeInfo> _nodes = [];
    private bool _updated;

    /// <summary>A new compile: the counts are brought up to its snapshot when it first asks for a set.</summary>
    public void Begin() => _updated = false;

    /// <summary>Adds to <paramref name="table"/> the set of this compile's cluster addresses of one family, named <paramref name="name"/>.</summary>
    public void AddTo(NftTable table, string name, bool v6, Selection selection)
    {
        if (!_updated)
        {
            Update(selection);
            _updated = true;
        }
        if (_sets.TryGetValue(name, out var set))
        {
            table.AddExisting(set);
            return;
        }
        var family = v6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
        set = table.AddSet(name, v6 ? "ipv6_addr" : "ipv4_addr");
        foreach (var address in _holders.Keys.Where(a => a.AddressFamily == family))
        {
            set.Add(address.ToString());
        }
        _sets[name] = set;
    }

    private void Update(Selection selection)
    {
        var before = new Dictionary<IPAddress, bool>();
        void Count(IEnumerable<IPAddress> addresses, int delta)
        {
            foreach (var address in addresses)
            {
                var held = _holders.GetValueOrDefault(address);
                before.TryAdd(address, held > 0);
                if (held + delta == 0)
                {
                    _holders.Remove(address);
                }
                else
                {
                    _holders[address] = held + delta;
                }
            }
        }

        var lists = new Dictionary<string, IReadOnlyList<PodInfo>>(StringComparer.Ordinal);
        foreach (var ns in selection.NamespaceNames)
        {
            var list = lists[ns] = selection.PodsIn(ns);
            if (_lists.TryGetValue(ns, out var old) && ReferenceEquals(old, list))
            {
                continue;
            }
            Count((old ?? []).SelectMany(p => p.Addresses), -1);
            Count(list.SelectMany(p => p.Addresses), +1);
        }
        foreach (var (ns, old) in _lists.Where(kv => !lists.ContainsKey(kv.Key)))
        {
            Count(old.SelectMany(p => p.Addresses), -1);
        }
        _lists = lists;
        if (!_nodes.SequenceEqual(selection.Nodes, ReferenceEqualityComparer.Instance))
        {
            Count(_nodes.SelectMany(n => n.Addresses), -1);
            Count(selection.Nodes.SelectMany(n => n.Addresses), +1);
            _nodes = selection.Nodes;
        }
        var gone = before.Where(b => b.Value && !_holders.ContainsKey(b.Key)).Select(b => b.Key).ToList();
        var came = before.Where(b => !b.Value && _holders.ContainsKey(b.Key)).Select(b => b.Key).ToList();
        // Every kept set follows the counts, asked for in this compile or not: a set skipped now and derived later
        // from this change alone would miss it for good.
        foreach (var (name, set) in _sets.ToList())
        {
            var family = set.KeyType == "ipv6_addr" ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
            if (gone.Concat(came).Any(a => a.AddressFamily == family))
            {
                _sets[name] = set.Derive(Strings(gone, family), Strings(came, family));
            }
        }
    }

    private static IEnumerable<string> Strings(List<IPAddress> addresses, AddressFamily family) =>
        addresses.Where(a => a.AddressFamily == family).Select(a => a.ToString());
}
