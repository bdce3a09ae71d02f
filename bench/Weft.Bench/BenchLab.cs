using System.Security.Cryptography;
using Weft.Lab;

namespace Weft.Bench;

/// <summary>A lab with a unique name, started like `weft lab up` does and always torn down.</summary>
internal sealed class BenchLab : IAsyncDisposable
{
    public LabSpec Spec { get; }
    public LabPaths Paths { get; }

    private BenchLab(LabSpec spec)
    {
        Spec = spec;
        Paths = new LabPaths(spec.Name);
    }

    public static async Task<BenchLab> UpAsync(int nodes, string mode)
    {
        var spec = new LabSpec { Name = "b" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3)), Nodes = nodes, Mode = mode };
        var lab = new BenchLab(spec);
        try
        {
            await LabController.UpAsync(spec, [LabBinaries.Cli], _ => { }, CancellationToken.None);
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
        return lab;
    }

    public async ValueTask DisposeAsync() => await LabController.DownAsync(Spec.Name, _ => { });
}
