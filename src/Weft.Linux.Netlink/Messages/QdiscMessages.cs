using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Weft.Linux.Netlink.Protocol;
using static Weft.Linux.Netlink.Protocol.NetlinkConstants;
using static Weft.Linux.Netlink.Protocol.TcConstants;

namespace Weft.Linux.Netlink.Messages;

/// <summary>Builds RTM_*QDISC requests (token bucket filter, netem) and parses replies. No I/O.</summary>
internal static class QdiscMessages
{
    public const ushort Replace = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE;
    public const ushort Delete = NLM_F_REQUEST | NLM_F_ACK;

    /// <summary>
    /// A tbf qdisc under <paramref name="parent"/> (TC_H_ROOT or a class such as 1:1): <paramref name="bitsPerSecond"/>
    /// with a bucket of <paramref name="burstBytes"/> and <paramref name="limitBytes"/> of queue. The link layer is
    /// declared (Ethernet), so no rate table is needed. Handle 0 lets the kernel pick one.
    /// </summary>
    public static void WriteTbf(ref NetlinkWriter w, int ifIndex, ulong bitsPerSecond, uint burstBytes, uint limitBytes, uint parent = TC_H_ROOT, uint handle = 0)
    {
        var bytesPerSecond = bitsPerSecond / 8;
        w.BeginMessage(RTM_NEWQDISC, Replace);
        w.WriteStruct(new TcMsg { IfIndex = ifIndex, Parent = parent, Handle = handle });
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

    /// <summary>
    /// A root netem qdisc. Its TCA_OPTIONS is not a plain nest: struct tc_netem_qopt comes first, then attributes.
    /// Delay and jitter travel only as 64-bit ns attributes, because the struct holds them in 32-bit ticks.
    /// </summary>
    public static void WriteNetem(ref NetlinkWriter w, int ifIndex, NetemOptions options, uint handle)
    {
        w.BeginMessage(RTM_NEWQDISC, Replace);
        w.WriteStruct(new TcMsg { IfIndex = ifIndex, Parent = TC_H_ROOT, Handle = handle });
        w.WriteString(TCA_KIND, "netem");
        var nest = w.BeginNested(TCA_OPTIONS);
        w.WriteStruct(new TcNetemQopt { Limit = options.LimitPackets, Loss = LossProbability(options.LossPercent) });
        w.WriteU64(TCA_NETEM_LATENCY64, unchecked((ulong)options.DelayNs));
        w.WriteU64(TCA_NETEM_JITTER64, unchecked((ulong)options.JitterNs));
        w.EndNested(nest);
        w.EndMessage();
    }

    /// <summary>netem's loss is a probability where uint.MaxValue means 100 %.</summary>
    public static uint LossProbability(double percent) => (uint)Math.Round(percent / 100 * uint.MaxValue);

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
        ReadOnlySpan<byte> options = [];
        foreach (var attribute in message.Attributes<TcMsg>())
        {
            if (attribute.Type == TCA_KIND)
            {
                kind = attribute.AsString();
            }
            else if (attribute.Type == TCA_OPTIONS)
            {
                options = attribute.Value;
            }
        }
        var info = new QdiscInfo(header.IfIndex, kind, header.Handle, header.Parent);
        return kind switch
        {
            "tbf" => info with { RateBitsPerSecond = TbfRate(options) },
            "netem" => info with { DelayNs = NetemDelay(options) },
            _ => info,
        };
    }

    /// <summary>bit/s from TCA_TBF_PARMS (bytes/s, capped at 32 bits), superseded by TCA_TBF_RATE64 when present.</summary>
    private static ulong? TbfRate(ReadOnlySpan<byte> options)
    {
        ulong? bytesPerSecond = null;
        foreach (var attribute in new NetlinkAttributeReader(options))
        {
            if (attribute.Type == TCA_TBF_PARMS)
            {
                bytesPerSecond ??= Read<TcTbfQopt>(attribute.Value, "TCA_TBF_PARMS").Rate.Rate;
            }
            else if (attribute.Type == TCA_TBF_RATE64)
            {
                bytesPerSecond = Read<ulong>(attribute.Value, "TCA_TBF_RATE64");
            }
        }
        return bytesPerSecond * 8;
    }

    private static long? NetemDelay(ReadOnlySpan<byte> options)
    {
        int head = NetlinkWriter.Align(Unsafe.SizeOf<TcNetemQopt>());
        if (options.Length < head)
        {
            return null;
        }
        foreach (var attribute in new NetlinkAttributeReader(options[head..]))
        {
            if (attribute.Type == TCA_NETEM_LATENCY64)
            {
                return Read<long>(attribute.Value, "TCA_NETEM_LATENCY64");
            }
        }
        return null;
    }

    private static T Read<T>(ReadOnlySpan<byte> value, string name)
        where T : unmanaged =>
        value.Length >= Unsafe.SizeOf<T>()
            ? MemoryMarshal.Read<T>(value)
            : throw new InvalidDataException($"qdisc attribute {name} holds {value.Length} bytes, expected {Unsafe.SizeOf<T>()}");
}
