using Xunit.Abstractions;
using Xunit.Sdk;

namespace Weft.Lab.Tests;

/// <summary>
/// Runs the ANP lab cases in the file's (upstream) order, facts first: consecutive subtests of one upstream test then
/// differ by that test's edits only, so each case writes a small delta, as upstream patches its objects in place.
/// </summary>
public sealed class AnpCaseOrderer : ITestCaseOrderer
{
    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases) where TTestCase : ITestCase
    {
        var order = AnpLabCases.Ids.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i, StringComparer.Ordinal);
        return testCases
            .OrderBy(t => t.TestMethodArguments is [string id] && order.TryGetValue(id, out var i) ? i : -1)
            .ThenBy(t => t.DisplayName, StringComparer.Ordinal);
    }
}
