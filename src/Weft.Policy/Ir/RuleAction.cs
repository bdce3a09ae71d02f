namespace Weft.Policy.Ir;

/// <summary>What a matching rule does. Log records the match and evaluation goes on; the others end it (Pass ends the tier).</summary>
public enum RuleAction
{
    Allow,
    Deny,
    Reject,
    Pass,
    Log,
}

/// <summary>Where a Pass rule sends evaluation.</summary>
public enum PassTarget
{
    /// <summary>The next tier unit (Calico).</summary>
    NextTier,

    /// <summary>The first tier of the next band (AdminNetworkPolicy and Antrea: on to the developer policies).</summary>
    EndOfBand,
}
