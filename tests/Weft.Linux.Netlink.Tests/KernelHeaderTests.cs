using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Weft.Linux.Interop;
using Weft.Linux.Netlink.Protocol;

namespace Weft.Linux.Netlink.Tests;

/// <summary>
/// Compiles a C program against the system's kernel and libc headers and compares every constant
/// and struct layout the libraries rely on. Every const field of the constant classes is checked,
/// so a new constant cannot slip in unchecked.
/// </summary>
public class KernelHeaderTests
{
    private static readonly Type[] ConstantClasses =
    [
        typeof(NetlinkConstants), typeof(RtnetlinkConstants), typeof(IfLinkConstants), typeof(IfAddrConstants),
        typeof(NeighbourConstants), typeof(TcConstants), typeof(LinuxConstants), typeof(Errno),
    ];

    private static readonly (string CExpression, int Actual)[] Layouts =
    [
        ("sizeof(struct nlmsghdr)", Unsafe.SizeOf<NlMsgHdr>()),
        ("sizeof(struct nlmsgerr)", Unsafe.SizeOf<NlMsgErr>()),
        ("sizeof(struct ifinfomsg)", Unsafe.SizeOf<IfInfoMsg>()),
        ("offsetof(struct ifinfomsg, ifi_index)", (int)Marshal.OffsetOf<IfInfoMsg>(nameof(IfInfoMsg.Index))),
        ("offsetof(struct ifinfomsg, ifi_change)", (int)Marshal.OffsetOf<IfInfoMsg>(nameof(IfInfoMsg.Change))),
        ("sizeof(struct ifaddrmsg)", Unsafe.SizeOf<IfAddrMsg>()),
        ("offsetof(struct ifaddrmsg, ifa_index)", (int)Marshal.OffsetOf<IfAddrMsg>(nameof(IfAddrMsg.Index))),
        ("sizeof(struct rtmsg)", Unsafe.SizeOf<RtMsg>()),
        ("offsetof(struct rtmsg, rtm_protocol)", (int)Marshal.OffsetOf<RtMsg>(nameof(RtMsg.Protocol))),
        ("offsetof(struct rtmsg, rtm_flags)", (int)Marshal.OffsetOf<RtMsg>(nameof(RtMsg.Flags))),
        ("sizeof(struct ndmsg)", Unsafe.SizeOf<NdMsg>()),
        ("offsetof(struct ndmsg, ndm_state)", (int)Marshal.OffsetOf<NdMsg>(nameof(NdMsg.State))),
        ("offsetof(struct ndmsg, ndm_flags)", (int)Marshal.OffsetOf<NdMsg>(nameof(NdMsg.Flags))),
        ("sizeof(struct tcmsg)", Unsafe.SizeOf<TcMsg>()),
        ("offsetof(struct tcmsg, tcm_parent)", (int)Marshal.OffsetOf<TcMsg>(nameof(TcMsg.Parent))),
        ("sizeof(struct tc_ratespec)", Unsafe.SizeOf<TcRateSpec>()),
        ("offsetof(struct tc_ratespec, rate)", (int)Marshal.OffsetOf<TcRateSpec>(nameof(TcRateSpec.Rate))),
        ("sizeof(struct tc_tbf_qopt)", Unsafe.SizeOf<TcTbfQopt>()),
        ("offsetof(struct tc_tbf_qopt, limit)", (int)Marshal.OffsetOf<TcTbfQopt>(nameof(TcTbfQopt.Limit))),
        ("sizeof(struct tc_netem_qopt)", Unsafe.SizeOf<TcNetemQopt>()),
        ("offsetof(struct tc_netem_qopt, latency)", (int)Marshal.OffsetOf<TcNetemQopt>(nameof(TcNetemQopt.Latency))),
        ("offsetof(struct tc_netem_qopt, limit)", (int)Marshal.OffsetOf<TcNetemQopt>(nameof(TcNetemQopt.Limit))),
        ("offsetof(struct tc_netem_qopt, loss)", (int)Marshal.OffsetOf<TcNetemQopt>(nameof(TcNetemQopt.Loss))),
        ("offsetof(struct tc_netem_qopt, gap)", (int)Marshal.OffsetOf<TcNetemQopt>(nameof(TcNetemQopt.Gap))),
        ("offsetof(struct tc_netem_qopt, duplicate)", (int)Marshal.OffsetOf<TcNetemQopt>(nameof(TcNetemQopt.Duplicate))),
        ("offsetof(struct tc_netem_qopt, jitter)", (int)Marshal.OffsetOf<TcNetemQopt>(nameof(TcNetemQopt.Jitter))),
        ("sizeof(struct sockaddr_nl)", Unsafe.SizeOf<SockaddrNl>()),
        ("offsetof(struct sockaddr_nl, nl_pid)", (int)Marshal.OffsetOf<SockaddrNl>(nameof(SockaddrNl.PortId))),
        ("sizeof(struct statx)", Unsafe.SizeOf<StatxBuffer>()),
        ("offsetof(struct statx, stx_ino)", (int)Marshal.OffsetOf<StatxBuffer>(nameof(StatxBuffer.Inode))),
    ];

    private static readonly Dictionary<Type, (string CType, string Format)> CTypes = new()
    {
        [typeof(byte)] = ("unsigned char", "%llu"),
        [typeof(ushort)] = ("unsigned short", "%llu"),
        [typeof(uint)] = ("unsigned int", "%llu"),
        [typeof(ulong)] = ("unsigned long long", "%llu"),
        [typeof(nuint)] = ("unsigned long", "%llu"),
        [typeof(int)] = ("int", "%lld"),
    };

    [Fact]
    public void ConstantsAndLayoutsMatchTheKernelHeaders()
    {
        // xunit 2 cannot skip at run time; without a C compiler there is nothing to compare with.
        if (!CProgram.CompilerAvailable())
        {
            return;
        }

        var expected = new Dictionary<string, string>();
        var program = new StringBuilder("""
            #define _GNU_SOURCE
            #include <errno.h>
            #include <fcntl.h>
            #include <sched.h>
            #include <stddef.h>
            #include <stdio.h>
            #include <sys/mman.h>
            #include <sys/mount.h>
            #include <sys/socket.h>
            #include <sys/stat.h>
            #include <linux/if.h>
            #include <linux/if_addr.h>
            #include <linux/if_link.h>
            #include <linux/neighbour.h>
            #include <linux/netlink.h>
            #include <linux/nsfs.h>
            #include <linux/pkt_sched.h>
            #include <linux/rtnetlink.h>
            #include <linux/veth.h>
            int main(void) {

            """);
        foreach (var field in ConstantClasses.SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static)).Where(f => f.IsLiteral))
        {
            var (cType, format) = CTypes[field.FieldType];
            bool signed = format == "%lld";
            program.AppendLine($"""  printf("{field.Name}={format}\n", ({(signed ? "long long" : "unsigned long long")})({cType})({field.Name}));""");
            expected[field.Name] = Convert.ToString(field.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)!;
        }

        foreach (var (expression, actual) in Layouts)
        {
            program.AppendLine($"""  printf("{expression}=%zu\n", {expression});""");
            expected[expression] = actual.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        program.AppendLine("  return 0;\n}");

        var fromHeaders = CProgram.CompileAndRun(program.ToString());

        Assert.True(expected.Count > 90, $"only {expected.Count} items checked");
        var mismatches = expected.Where(e => !fromHeaders.TryGetValue(e.Key, out var c) || c != e.Value)
            .Select(e => $"{e.Key}: C# {e.Value}, headers {fromHeaders.GetValueOrDefault(e.Key, "missing")}")
            .ToList();
        Assert.Empty(mismatches);
    }

}
