using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using Weft.Linux.Netlink.Protocol;

namespace Weft.Linux.Netlink.Tests;

/// <summary>
/// Checks every NFLOG constant and struct size against linux/netfilter/nfnetlink*.h with a tiny C
/// program (skipped when no C compiler is installed), like <see cref="KernelHeaderTests"/>.
/// </summary>
public class NflogHeaderTests
{
    [Fact]
    public void NflogConstantsAndLayoutsMatchTheKernelHeaders()
    {
        // xunit 2 cannot skip at run time; without a C compiler there is nothing to compare with.
        if (!(Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => File.Exists(Path.Combine(dir, "cc"))))
        {
            return;
        }

        var expected = new Dictionary<string, string>
        {
            ["sizeof(struct nfgenmsg)"] = Unsafe.SizeOf<NfGenMsg>().ToString(CultureInfo.InvariantCulture),
            ["sizeof(struct nfulnl_msg_config_mode)"] = "6",
            ["sizeof(struct nfulnl_msg_packet_hdr)"] = "4",
            ["sizeof(struct nfulnl_msg_packet_timestamp)"] = "16",
        };
        var program = new StringBuilder("""
            #include <stdio.h>
            #include <linux/netlink.h>
            #include <linux/netfilter/nfnetlink.h>
            #include <linux/netfilter/nfnetlink_log.h>
            int main(void) {

            """);
        foreach (var field in typeof(NflogConstants).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral))
        {
            // The two composed message types are ours, not the header's.
            if (field.Name.EndsWith("MessageType", StringComparison.Ordinal))
            {
                continue;
            }

            expected[field.Name] = Convert.ToString(field.GetRawConstantValue(), CultureInfo.InvariantCulture)!;
        }

        foreach (var name in expected.Keys)
        {
            program.AppendLine($"""  printf("{name}=%lld\n", (long long)({name}));""");
        }

        program.AppendLine("  return 0;\n}");

        var fromHeaders = CProgram.CompileAndRun(program.ToString());

        Assert.True(expected.Count > 25, $"only {expected.Count} items checked");
        var mismatches = expected.Where(e => fromHeaders.GetValueOrDefault(e.Key) != e.Value)
            .Select(e => $"{e.Key}: C# {e.Value}, headers {fromHeaders.GetValueOrDefault(e.Key, "missing")}")
            .ToList();
        Assert.Empty(mismatches);
        Assert.Equal(NflogConstants.ConfigMessageType, (NflogConstants.NFNL_SUBSYS_ULOG << 8) | NflogConstants.NFULNL_MSG_CONFIG);
    }

}
