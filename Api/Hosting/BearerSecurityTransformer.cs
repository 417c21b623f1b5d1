using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace KlmSocialPay.Api.Hosting;

/// <summary>Declares the agent bearer key in the OpenAPI document.</summary>
internal sealed class BearerSecurityTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["agentKey"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An agent key configured under Agents:Keys.",
        };
        return Task.CompletedTask;
    }
}
