namespace QwenVL.Http.Protocol;

/// <summary>The answer of GET /v1/cluster: this node, every member of the cluster and the load of each replica.</summary>
/// <param name="Self">this node's address ("local" when it runs alone)</param>
/// <param name="Role">this node's role: worker, frontend, or standalone when there is no cluster</param>
public sealed record ClusterResponse(string Object, string Self, string Role, IReadOnlyList<ClusterMemberDto> Members, ReplicaLoadDto? Totals);

/// <param name="Serving">whether requests are routed to it now: up, reachable, reporting</param>
public sealed record ClusterMemberDto(string Address, IReadOnlyList<string> Roles, string Status, bool Reachable, bool Serving, ReplicaLoadDto? Load);

/// <param name="Served">requests it has taken through the cluster's routing</param>
public sealed record ReplicaLoadDto(int Running, int Waiting, double KvCacheUsage, int TotalBlocks, int FreeBlocks, long PromptTokens,
    long GenerationTokens, long? Served);
