package dev.tidemark.storage;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Arrays;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.s3a.S3AFileSystem;
import org.apache.hadoop.fs.s3a.S3AUtils;
import org.apache.hadoop.fs.s3a.impl.PutObjectOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Creates one S3 object only if its key is free, in a single request: a PUT with {@code
 * If-None-Match: *}. The store decides atomically; when the key already holds an object it answers
 * 412 Precondition Failed and leaves that object untouched, so of several writers racing for one
 * key exactly one wins.
 *
 * <p>The request goes through the {@link S3AFileSystem}'s own S3 client and request factory, so
 * every {@code fs.s3a.*} setting applies to it as to any other s3a write: endpoint, region,
 * path-style access, credentials, retries, server-side encryption, canned ACL and storage class.
 *
 * <p>Two answers need care. A 409 (ConditionalRequestConflict: another conditional write to the key
 * was in flight) is retried a few times; the retry then either creates the object or finds it. A
 * 412 whose object holds exactly the bytes being written means that an earlier attempt of this same
 * call created it (the SDK retried after a lost response), so it counts as created.
 */
final class PutIfAbsent {
  private static final Logger LOG = LoggerFactory.getLogger(PutIfAbsent.class);
  private static final int CONFLICT_ATTEMPTS = 6;

  /** What a conditional create found. */
  enum Outcome {
    /** The object now holds the given bytes, written by this call. */
    CREATED,
    /** The key already held another object, which is unchanged. */
    EXISTS
  }

  private PutIfAbsent() {}

  static Outcome create(S3AFileSystem fs, Path path, byte[] content) throws IOException {
    String key = fs.pathToKey(path);
    for (int attempt = 1; ; attempt++) {
      PutObjectRequest request =
          fs.getRequestFactory()
              .newPutObjectRequestBuilder(
                  key, PutObjectOptions.defaultOptions(), content.length, false)
              .ifNoneMatch("*")
              .build();
      try {
        fs.getS3AInternals()
            .getAmazonS3Client("Delta commit by conditional PUT")
            .putObject(request, RequestBody.fromBytes(content));
        return Outcome.CREATED;
      } catch (S3Exception e) {
        if (e.statusCode() == 412) {
          return holdsExactly(fs, path, content) ? Outcome.CREATED : Outcome.EXISTS;
        }
        if (e.statusCode() == 409 && attempt < CONFLICT_ATTEMPTS) {
          LOG.debug("Concurrent conditional write to {}; attempt {} again", path, attempt + 1);
          pause(attempt);
          continue;
        }
        throw S3AUtils.translateException("conditional PUT", path, e);
      } catch (SdkException e) {
        throw S3AUtils.translateException("conditional PUT", path, e);
      }
    }
  }

  private static boolean holdsExactly(S3AFileSystem fs, Path path, byte[] content)
      throws IOException {
    try (FSDataInputStream in = fs.open(path)) {
      byte[] existing = in.readNBytes(content.length + 1);
      return Arrays.equals(existing, content);
    }
  }

  private static void pause(int attempt) throws InterruptedIOException {
    try {
      Thread.sleep(25L * attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while retrying a conditional PUT");
    }
  }
}
