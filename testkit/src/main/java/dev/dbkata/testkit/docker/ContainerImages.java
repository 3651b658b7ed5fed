package dev.dbkata.testkit.docker;

import java.util.function.UnaryOperator;

import org.testcontainers.utility.DockerImageName;

/**
 * The images the docker backend runs.
 *
 * <p>The defaults follow the major versions the embedded backend ships (PostgreSQL 17), so an
 * exercise sees the same server on both. The override exists for machines that can only pull
 * from a mirror, or that want a pinned digest; it is read from system properties because that is
 * what a learner can pass to {@code mvn} without editing the build.
 *
 * @param postgres the PostgreSQL image, used for primaries, replicas and shards alike
 * @param redis    the Redis image
 */
public record ContainerImages(DockerImageName postgres, DockerImageName redis) {

    public static final String POSTGRES_PROPERTY = "kata.docker.postgres.image";
    public static final String REDIS_PROPERTY = "kata.docker.redis.image";
    static final String DEFAULT_POSTGRES = "postgres:17";
    static final String DEFAULT_REDIS = "redis:7";

    public static ContainerImages fromSystemProperties() {
        return from(System::getProperty);
    }

    /**
     * Resolves both images from a property lookup; a missing or blank property means the default.
     *
     * @throws IllegalArgumentException naming the property whose value is not an image reference
     */
    static ContainerImages from(UnaryOperator<String> properties) {
        return new ContainerImages(
                resolve(properties, POSTGRES_PROPERTY, DEFAULT_POSTGRES),
                resolve(properties, REDIS_PROPERTY, DEFAULT_REDIS));
    }

    private static DockerImageName resolve(UnaryOperator<String> properties, String property, String fallback) {
        String configured = properties.apply(property);
        String reference = configured == null || configured.isBlank() ? fallback : configured.trim();
        try {
            DockerImageName image = DockerImageName.parse(reference);
            image.assertValid();
            return image;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-D" + property + "=" + reference + " is not a Docker image reference"
                    + " (expected something like " + fallback + "): " + e.getMessage(), e);
        }
    }
}
