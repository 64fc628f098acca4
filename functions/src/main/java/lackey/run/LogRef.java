package lackey.run;

/** Where a run's log was stored ({@code s3://bucket/key}) and how many bytes it has. */
public record LogRef(String location, long bytes) {
}
