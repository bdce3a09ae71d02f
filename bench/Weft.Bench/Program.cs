using Weft.Bench;

// Benchmarks run Weft and its peer in the same run, alternating (ABAB), and report ratios.
// They need root, the built binaries (./weft builds them) and iperf3 / containernetworking-plugins.
var what = args.FirstOrDefault() ?? "all";
var reps = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5;
if (what is "cni" or "all")
{
    await CniLatencyBench.RunAsync(reps);
}
if (what is "policy-scale" or "all")
{
    await Weft.Bench.Policy.PolicyScaleBench.RunAsync(reps);
}
if (what is "policy-mixed" or "all")
{
    await Weft.Bench.Policy.MixedDialectScaleBench.RunAsync(reps);
}
if (what is "policy-lab" or "all")
{
    await Weft.Bench.Policy.PolicyLabBench.RunAsync(reps, flips: 100);
}
if (what is "policy-flips")
{
    await Weft.Bench.Policy.PolicyLabBench.RunAsync(0, flips: 100);
}
if (what is "ipam" or "all")
{
    await IpamBench.RunAsync(reps);
}
if (what is "throughput" or "all")
{
    await ThroughputBench.RunAsync(reps);
}
if (what is "bandwidth" or "all")
{
    await BandwidthBench.RunAsync(reps);
}
if (what is "bandwidth-live")
{
    await BandwidthBench.RunAsync(0, liveOnly: true);
}
return 0;
