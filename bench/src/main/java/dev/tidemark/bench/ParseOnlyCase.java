package dev.tidemark.bench;

import dev.tidemark.pipeline.EventDecoder;

/**
 * The second ceiling: the batch read plus Tidemark's JSON decoding ({@link EventDecoder}: from_json
 * with the pipeline's schema and the rejection checks), counting the accepted events.
 */
final class ParseOnlyCase implements BenchCase {
  private final BenchContext ctx;

  ParseOnlyCase(BenchContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public String id() {
    return "ceiling-parse";
  }

  @Override
  public String label() {
    return "ceiling: batch read + parse (from_json) + count";
  }

  @Override
  public StateSize run(int run, PhaseMeter meter) {
    EventDecoder decoder = new EventDecoder(ctx.spec().source());
    meter.begin();
    long n = decoder.accepted(decoder.decode(KafkaCountCase.KafkaBatch.wholeTopic(ctx))).count();
    meter.end();
    // About 1% of the generated records are malformed on purpose.
    if (n == 0 || n > ctx.events() || n < ctx.events() * 0.9) {
      throw new IllegalStateException("accepted " + n + " of " + ctx.events() + " records");
    }
    return StateSize.NONE;
  }
}
