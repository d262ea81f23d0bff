package dev.tidemark.flinkpeer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of {@link FlinkWindowJob}: {@code BOOTSTRAP TOPIC blackhole|files [FOLDER]
 * [--parallelism N] [--checkpoint-seconds S]}.
 *
 * @param folder the output folder of the files sink; null for blackhole
 */
record JobArgs(
    String bootstrap,
    String topic,
    String sink,
    Path folder,
    int parallelism,
    int checkpointSeconds) {

  static JobArgs parse(String[] args) {
    int parallelism = 2;
    int checkpointSeconds = 2;
    List<String> positional = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--parallelism" -> parallelism = Integer.parseInt(value(args, ++i));
        case "--checkpoint-seconds" -> checkpointSeconds = Integer.parseInt(value(args, ++i));
        default -> positional.add(args[i]);
      }
    }
    if (positional.size() < 3) {
      throw new IllegalArgumentException(
          "usage: FlinkWindowJob BOOTSTRAP TOPIC blackhole|files [FOLDER] [--parallelism N]"
              + " [--checkpoint-seconds S]");
    }
    String sink = positional.get(2);
    Path folder = null;
    if (sink.equals("files")) {
      if (positional.size() < 4) {
        throw new IllegalArgumentException("the files sink needs an output folder");
      }
      folder = Path.of(positional.get(3)).toAbsolutePath();
    } else if (!sink.equals("blackhole")) {
      throw new IllegalArgumentException("sink must be blackhole or files, not " + sink);
    }
    return new JobArgs(
        positional.get(0), positional.get(1), sink, folder, parallelism, checkpointSeconds);
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException(args[i - 1] + " needs a value");
    }
    return args[i];
  }
}
