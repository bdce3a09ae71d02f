using System.Net;

namespace Weft.Ipam;

/// <summary>
/// A block this node owns, with one flag per address. Only touched under the allocator's lock.
/// Addresses are handed out round-robin from a cursor, so a just-freed address is reused last.
/// </summary>
internal sealed class OwnedBlock
{
    private readonly bool[] _used;
    private int _cursor;

    public OwnedBlock(IPNetwork cidr, string? resourceVersion, DateTimeOffset now)
    {
        Cidr = cidr;
        ResourceVersion = resourceVersion;
        _used = new bool[(int)Weft.Ipam.Cidr.AddressCount(cidr)];
        EmptySince = now;
    }

    public IPNetwork Cidr { get; }

    public IpFamily Family => Weft.Ipam.Cidr.FamilyOf(Cidr);

    /// <summary>The store's version of the IPBlock object, the precondition for deleting it.</summary>
    public string? ResourceVersion { get; set; }

    public int UsedCount { get; private set; }

    public bool IsFull => UsedCount == _used.Length;

    /// <summary>When the block last became empty; null while it has allocations.</summary>
    public DateTimeOffset? EmptySince { get; private set; }

    /// <summary>
    /// A delete was sent but its outcome is unknown: the object may be gone and the block already
    /// another node's, so no address may be given from it until a retry settles the question.
    /// </summary>
    public bool Retiring { get; set; }

    public IPAddress Take()
    {
        for (var i = 0; i < _used.Length; i++)
        {
            var n = (_cursor + i) % _used.Length;
            if (!_used[n])
            {
                _cursor = (n + 1) % _used.Length;
                Mark(n);
                return Weft.Ipam.Cidr.NthAddress(Cidr, (UInt128)n);
            }
        }
        throw new InvalidOperationException($"block {Cidr} is full");
    }

    /// <summary>Marks an address used (journal replay); false when it is outside the block or already used.</summary>
    public bool TryMark(IPAddress address)
    {
        if (!Cidr.Contains(address))
        {
            return false;
        }
        var n = (int)Weft.Ipam.Cidr.OffsetOf(Cidr, address);
        if (_used[n])
        {
            return false;
        }
        Mark(n);
        _cursor = (n + 1) % _used.Length;
        return true;
    }

    public void Free(IPAddress address, DateTimeOffset now)
    {
        var n = (int)Weft.Ipam.Cidr.OffsetOf(Cidr, address);
        if (_used[n])
        {
            _used[n] = false;
            UsedCount--;
            if (UsedCount == 0)
            {
                EmptySince = now;
            }
        }
    }

    private void Mark(int n)
    {
        _used[n] = true;
        UsedCount++;
        EmptySince = null;
    }
}
