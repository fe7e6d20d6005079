using System.Net;

namespace QwenVL.Runtime.Hub;

/// <summary>
/// Turns a Hub error answer into a <see cref="HubException"/> that says what to do. The Hub names the error in
/// <c>X-Error-Code</c> (RepoNotFound, RevisionNotFound, GatedRepo, EntryNotFound); a 401 without one usually means a
/// private, gated or missing repository asked for without a token, as huggingface_hub treats it.
/// </summary>
internal static class HubResponseErrors
{
    private const string TokenHelp =
        "pass a token with --hf-token TOKEN or the HF_TOKEN environment variable (create one at https://huggingface.co/settings/tokens)";

    public static HubException For(HttpResponseMessage response, string endpoint, RepoId repo, string revision, string? path, bool tokenSent)
    {
        int status = (int)response.StatusCode;
        string code = Header(response, "X-Error-Code") ?? "";
        string? serverMessage = Header(response, "X-Error-Message");
        string what = path == null ? $"repository '{repo}'" : $"'{path}' of repository '{repo}'";
        string said = serverMessage == null ? "" : $" (the Hub says: {serverMessage})";

        if (code == "RevisionNotFound")
            return new(HubFailure.RevisionNotFound, $"repository '{repo}' has no revision '{revision}' on {endpoint}: give a branch, tag or commit it has with --revision{said}");
        if (code == "EntryNotFound")
            return new(HubFailure.BadResponse, $"{what} is not on {endpoint} at revision '{revision}'{said}");
        if (code == "GatedRepo" || response.StatusCode == HttpStatusCode.Forbidden)
        {
            return new(HubFailure.Gated, tokenSent
                ? $"{what} is gated and the token sent has no access to it (HTTP {status}): accept the model's terms at {endpoint}/{repo} with the token's account, or use a token of an account that did{said}"
                : $"{what} is gated (HTTP {status}): accept the model's terms at {endpoint}/{repo}, then {TokenHelp}{said}");
        }
        if (code == "RepoNotFound" || response.StatusCode == HttpStatusCode.NotFound)
        {
            return new(HubFailure.RepoNotFound, tokenSent
                ? $"repository '{repo}' was not found on {endpoint} (HTTP {status}), or the token sent cannot see it: check the id and the token (it is neither a local directory){said}"
                : $"repository '{repo}' was not found on {endpoint} (HTTP {status}): check the id (it is neither a local directory); if it is private, {TokenHelp}{said}");
        }
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            return new(HubFailure.Unauthorized, tokenSent
                ? $"{endpoint} refused the token sent for {what} (HTTP 401): check --hf-token or HF_TOKEN{said}"
                : $"{what} needs a token (HTTP 401): {TokenHelp}{said}");
        }
        if (status >= 500 || status is 408 or 429)
            return new(HubFailure.Unreachable, $"{endpoint} answered HTTP {status} for {what}{said}");
        return new(HubFailure.BadResponse, $"{endpoint} answered HTTP {status} for {what}{said}");
    }

    /// <summary>The answers worth trying again: the Hub overloaded or briefly down.</summary>
    public static bool IsTransient(HttpStatusCode status) => (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
