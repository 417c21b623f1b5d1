using KlmSocialPay.Silo.Storage;

namespace KlmSocialPay.Silo.Hosting;

/// <summary>What one process of the product runs, chosen by <c>Hosting:Role</c>.</summary>
public enum HostingRole
{
    /// <summary>The silo, the API and, when <c>Sandbox:Enabled</c> is true, the sandbox in one process. The default.</summary>
    Combined,

    /// <summary>An Orleans silo with the grains and the outbound provider adapters. Its only HTTP routes are <c>/health/*</c>.</summary>
    Silo,

    /// <summary>The API and, when enabled, the sandbox, as an Orleans client of the silos. It hosts no grains.</summary>
    Api,
}

/// <summary>Reads and validates <c>Hosting:Role</c>.</summary>
public static class HostingRoles
{
    public const string SettingName = "Hosting:Role";

    /// <exception cref="InvalidOperationException">
    /// The role is unknown, or it is <see cref="HostingRole.Silo"/> or <see cref="HostingRole.Api"/> without
    /// <c>Storage:Provider</c> <c>PostgreSql</c>. The message names the setting.
    /// </exception>
    public static HostingRole FromConfiguration(IConfiguration configuration, IHostEnvironment environment)
    {
        var text = configuration[SettingName];
        var role = HostingRole.Combined;
        if (!string.IsNullOrWhiteSpace(text)
            && (!Enum.TryParse(text.Trim(), ignoreCase: true, out role) || !Enum.IsDefined(role)))
        {
            throw new InvalidOperationException(
                $"{SettingName} '{text}' is invalid. Use '{HostingRole.Combined}' (silo and API in one process), '{HostingRole.Silo}' or '{HostingRole.Api}'.");
        }

        if (role == HostingRole.Combined)
        {
            return role;
        }

        // Separate processes find each other through the membership table, which only PostgreSQL provides here.
        var storage = StorageSettings.FromConfiguration(configuration.GetSection(StorageSettings.SectionName), environment.ContentRootPath);
        if (storage.Provider != StorageProvider.PostgreSql)
        {
            throw new InvalidOperationException(
                $"{SettingName} '{role}' requires {StorageSettings.SectionName}:Provider '{StorageProvider.PostgreSql}', but it is '{storage.Provider}'. " +
                $"SQLite keeps the cluster in one process, so use {SettingName} '{HostingRole.Combined}' with it.");
        }

        return role;
    }

    /// <summary>True when the process is a silo: it hosts grains, reminders and grain storage.</summary>
    public static bool HostsSilo(this HostingRole role) => role != HostingRole.Api;

    /// <summary>True when the process serves the agent API, the webhooks and the operations routes.</summary>
    public static bool ServesApi(this HostingRole role) => role != HostingRole.Silo;
}
