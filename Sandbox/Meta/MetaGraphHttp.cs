using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace KlmSocialPay.Sandbox.Meta;

/// <summary>The parts of the Graph API's HTTP surface that the Messenger and WhatsApp send endpoints share.</summary>
internal static partial class MetaGraphHttp
{
    /// <summary>Whether <paramref name="version"/> is a Graph API version path segment such as <c>v21.0</c>.</summary>
    public static bool IsVersion(string version) => VersionPattern().IsMatch(version);

    /// <summary>Returns Graph JSON with Meta's content type and the <c>x-fb-trace-id</c> header.</summary>
    public static IResult Json(int statusCode, string json, string traceId) => new GraphJsonResult(statusCode, json, traceId);

    /// <summary>
    /// Returns a Graph error response. For code 190 (invalid or expired access token) it also sets the
    /// <c>WWW-Authenticate</c> header that Meta sends with it.
    /// </summary>
    public static IResult Error(HttpContext context, int httpStatus, int code, string message, string errorJson, string traceId)
    {
        if (code == 190)
        {
            context.Response.Headers.WWWAuthenticate = $"OAuth \"Facebook Platform\" \"invalid_token\" \"{message}\"";
        }

        return Json(httpStatus, errorJson, traceId);
    }

    [GeneratedRegex(@"^v\d+\.\d+$")]
    private static partial Regex VersionPattern();

    private sealed class GraphJsonResult(int statusCode, string json, string traceId) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = statusCode;
            httpContext.Response.ContentType = "application/json; charset=UTF-8";
            httpContext.Response.Headers["x-fb-trace-id"] = traceId;
            return httpContext.Response.WriteAsync(json, Encoding.UTF8, httpContext.RequestAborted);
        }
    }
}
