using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Weft.Linux.Interop;
using static Weft.Linux.Netlink.Protocol.NetlinkConstants;

namespace Weft.Linux.Netlink.Protocol;

/// <summary>Receives one data message of a reply or dump.</summary>
internal delegate void MessageHandler(NetlinkMessage message);

/// <summary>
/// The pure part of request/response handling: walks one received datagram for the answer to
/// one sequence number. Kept apart from the socket so it can be tested with crafted bytes.
/// </summary>
internal static class NetlinkResponses
{
    /// <summary>
    /// Hands each data message for <paramref name="sequence"/> to <paramref name="onMessage"/>.
    /// Returns true once the final message arrived: NLMSG_ERROR (an ack when errno is 0) or
    /// NLMSG_DONE. Sets <paramref name="interrupted"/> if the kernel flagged the dump as
    /// inconsistent (NLM_F_DUMP_INTR), in which case the caller must start the dump again.
    /// </summary>
    public static bool Process(
        ReadOnlySpan<byte> datagram,
        uint sequence,
        MessageHandler? onMessage,
        ref bool interrupted,
        out int errno,
        out string? kernelMessage)
    {
        errno = 0;
        kernelMessage = null;
        foreach (var message in new NetlinkMessageReader(datagram))
        {
            // Answers to an earlier request (e.g. the rest of an abandoned dump) are skipped.
            if (message.Header.Sequence != sequence)
            {
                continue;
            }

            if ((message.Header.Flags & NLM_F_DUMP_INTR) != 0)
            {
                interrupted = true;
            }

            switch (message.Header.Type)
            {
                case NLMSG_NOOP:
                    break;
                case NLMSG_ERROR:
                    errno = ParseError(message, out kernelMessage);
                    return true;
                case NLMSG_DONE:
                    errno = ParseDone(message, out kernelMessage);
                    return true;
                case NLMSG_OVERRUN:
                    errno = Errno.ENOBUFS;
                    return true;
                default:
                    onMessage?.Invoke(message);
                    break;
            }
        }

        return false;
    }

    private static int ParseError(NetlinkMessage message, out string? kernelMessage)
    {
        var error = message.Read<NlMsgErr>();
        kernelMessage = null;
        if ((message.Header.Flags & NLM_F_ACK_TLVS) != 0)
        {
            // The echoed request is cut to its header when NLM_F_CAPPED is set.
            int echoed = (message.Header.Flags & NLM_F_CAPPED) != 0
                ? Unsafe.SizeOf<NlMsgHdr>()
                : NetlinkWriter.Align((int)error.Request.Length);
            int tlvStart = sizeof(int) + echoed;
            kernelMessage = FindMessage(tlvStart <= message.Payload.Length ? message.Payload[tlvStart..] : []);
        }

        return -error.Error;
    }

    private static int ParseDone(NetlinkMessage message, out string? kernelMessage)
    {
        kernelMessage = null;
        if (message.Payload.Length < sizeof(int))
        {
            return 0;
        }

        if ((message.Header.Flags & NLM_F_ACK_TLVS) != 0)
        {
            kernelMessage = FindMessage(message.Payload[sizeof(int)..]);
        }

        return -MemoryMarshal.Read<int>(message.Payload);
    }

    private static string? FindMessage(ReadOnlySpan<byte> tlvs)
    {
        foreach (var attribute in new NetlinkAttributeReader(tlvs))
        {
            if (attribute.Type == NLMSGERR_ATTR_MSG)
            {
                return attribute.AsString();
            }
        }

        return null;
    }
}
