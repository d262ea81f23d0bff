package dev.tidemark.config;

/**
 * One key of the effective configuration: its value as the commands read it (a secret-looking key's
 * as {@link Secrets#REDACTED}) and where that value came from: {@code --set}, {@code system
 * properties}, {@code environment}, a file and line, or {@code reference.conf} inside a jar and
 * line (see {@link ConfigLoader#effectiveSettings}).
 */
public record EffectiveSetting(String key, String value, String origin) {}
