using Weft.Model;
using Weft.Policy.Ir;

namespace Weft.Policy;

/// <summary>What every front end does with a parse (the set and the errors): all of a policy, or nothing of it.</summary>
internal static class FrontEndResults
{
    /// <exception cref="ValidationException">The policy is invalid; nothing of it is returned.</exception>
    public static PolicySet OrThrow((PolicySet Set, IReadOnlyList<ValidationError> Errors) parsed) =>
        parsed.Errors.Count == 0 ? parsed.Set : throw new ValidationException(parsed.Errors);

    /// <summary>Many policies into one set, or none at all if any is invalid.</summary>
    /// <exception cref="ValidationException">Lists the errors of every invalid policy.</exception>
    public static PolicySet All(IEnumerable<(PolicySet Set, IReadOnlyList<ValidationError> Errors)> parsed)
    {
        var list = parsed.ToList();
        var errors = list.SelectMany(p => p.Errors).ToList();
        return errors.Count == 0 ? PolicySet.Combine(list.Select(p => p.Set)) : throw new ValidationException(errors);
    }
}
