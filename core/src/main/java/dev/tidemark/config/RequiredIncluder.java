package dev.tidemark.config;

import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigIncluderClasspath;
import com.typesafe.config.ConfigIncluderFile;
import com.typesafe.config.ConfigIncluderURL;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import java.io.File;
import java.net.URL;

/**
 * Makes every {@code include} required: Typesafe Config ignores an included file that does not
 * exist, so a missing {@code include "prod-defaults.conf"} would silently drop its settings. Here
 * it fails the load with the name of the missing file, as {@code include required(...)} does.
 */
final class RequiredIncluder
    implements ConfigIncluder, ConfigIncluderFile, ConfigIncluderURL, ConfigIncluderClasspath {
  private final ConfigIncluder fallback;

  RequiredIncluder() {
    this(null);
  }

  private RequiredIncluder(ConfigIncluder fallback) {
    this.fallback = fallback;
  }

  /** Parse options with this includer and a required top-level file. */
  static ConfigParseOptions options() {
    return ConfigParseOptions.defaults().setAllowMissing(false).setIncluder(new RequiredIncluder());
  }

  @Override
  public ConfigIncluder withFallback(ConfigIncluder next) {
    return fallback == null ? new RequiredIncluder(next) : this;
  }

  private static ConfigIncludeContext required(ConfigIncludeContext context) {
    return context.setParseOptions(context.parseOptions().setAllowMissing(false));
  }

  @Override
  public ConfigObject include(ConfigIncludeContext context, String what) {
    return fallback.include(required(context), what);
  }

  @Override
  public ConfigObject includeFile(ConfigIncludeContext context, File what) {
    return ((ConfigIncluderFile) fallback).includeFile(required(context), what);
  }

  @Override
  public ConfigObject includeURL(ConfigIncludeContext context, URL what) {
    return ((ConfigIncluderURL) fallback).includeURL(required(context), what);
  }

  @Override
  public ConfigObject includeResources(ConfigIncludeContext context, String what) {
    return ((ConfigIncluderClasspath) fallback).includeResources(required(context), what);
  }
}
