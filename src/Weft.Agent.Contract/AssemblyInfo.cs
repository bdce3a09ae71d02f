namespace Weft.Agent.Contract;
