namespace Weft.Agent;

/// <summary>
/// A level-triggered sync loop: <see cref="Kick"/> (cheap, any thread) schedules one run of the sync; kicks
/// during a run collapse into one more run; a failed run is logged and retried after a second.
/// </summary>
internal sealed class SyncLoop(string name, Action sync)
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Start(CancellationToken ct) => _ = Task.Run(() => RunAsync(ct), CancellationToken.None);

    public void Kick()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // A run is already pending; it will see this change too.
        }
    }

    private async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(ct);
                sync();
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.Error($"{name} sync failed: {e.Message}; retrying in 1 s");
                await Task.Delay(1000, ct).ContinueWith(_ => { }, TaskScheduler.Default);
                Kick();
            }
        }
    }
}
