using Weft.Linux.Netlink.Protocol;
using static Weft.Linux.Netlink.Protocol.NetlinkConstants;
using static Weft.Linux.Netlink.Protocol.TcConstants;

namespace Weft.Linux.Netlink.Messages;

/// <summary>Builds RTM_*QDISC requests (the root token bucket filter) and parses replies. No I/O.</summary>
internal static class QdiscMessages
{
    public const ushort Replace = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE;
    public const ushort Delete = NLM_F_REQUEST | NLM_F_ACK;

    /// <summary>
    /// A root tbf qdisc: <paramref name="bitsPerSecond"/> with a bucket of <paramref name="burstBytes"/> and
    /// <paramref name="limitBytes"/> of queue. The link layer is declared (Ethernet), so no rate table is needed.
    /// </summary>
    public static void WriteTbf(ref NetlinkWriter w, int ifIndex, ulong bitsPerSecond, uint burstBytes, uint limitBytes)
    {
        var bytesPerSecond = bitsPerSecond / 8;
        w.BeginMessage(RTM_NEWQDISC, Replace);
        w.WriteStruct(new TcMsg { IfIndex = ifIndex, Parent = TC_H_ROOT });
        w.WriteString(TCA_KIND, "tbf");
        var options = w.BeginNested(TCA_OPTIONS);
        var rate = new TcRateSpec { LinkLayer = TC_LINKLAYER_ETHERNET, Rate = (uint)Math.Min(bytesPerSecond, uint.MaxValue) };
        w.WriteStruct(TCA_TBF_PARMS, new TcTbfQopt { Rate = rate, Limit = limitBytes });
        if (bytesPerSecond >= uint.MaxValue)
        {
            w.WriteU64(TCA_TBF_RATE64, bytesPerSecond);
        }
        w.WriteU32(TCA_TBF_BURST, burstBytes);
        w.EndNested(options);
        w.EndMessage();
    }

    public static void WriteDeleteRoot(ref NetlinkWriter w, int ifIndex)
    {
        w.BeginMessage(RTM_DELQDISC, Delete);
        w.WriteStruct(new TcMsg { IfIndex = ifIndex, Parent = TC_H_ROOT });
        w.EndMessage();
    }

    public static void Dump(ref NetlinkWriter w)
    {
        w.BeginMessage(RTM_GETQDISC, NLM_F_REQUEST | NLM_F_DUMP);
        w.WriteStruct(new TcMsg());
        w.EndMessage();
    }

    public static QdiscInfo? Parse(NetlinkMessage message)
    {
        if (message.Header.Type != RTM_NEWQDISC)
        {
            return null;
        }
        var header = message.Read<TcMsg>();
        var kind = "";
        foreach (var attribute in message.Attributes<TcMsg>())
        {
            if (attribute.Type == TCA_KIND)
            {
                kind = attribute.AsString();
            }
        }
        return new QdiscInfo(header.IfIndex, kind, header.Handle, header.Parent);
    }
}
