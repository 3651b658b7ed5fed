package dev.dbkata.testkit.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ContainerImagesTest {

    @Test
    @DisplayName("without overrides: PostgreSQL 17, like the embedded backend, and Redis 7")
    void defaults() {
        ContainerImages images = ContainerImages.from(Map.<String, String>of()::get);

        assertThat(images.postgres().asCanonicalNameString()).isEqualTo("postgres:17");
        assertThat(images.redis().asCanonicalNameString()).isEqualTo("redis:7");
    }

    @Test
    @DisplayName("each image can be overridden by its own system property")
    void overrides() {
        ContainerImages images = ContainerImages.from(Map.of(
                "kata.docker.postgres.image", "mirror.example.com/library/postgres:17.6",
                "kata.docker.redis.image", " redis:7-alpine ")::get);

        assertThat(images.postgres().getRegistry()).isEqualTo("mirror.example.com");
        assertThat(images.postgres().getVersionPart()).isEqualTo("17.6");
        assertThat(images.redis().asCanonicalNameString()).isEqualTo("redis:7-alpine");
    }

    @Test
    @DisplayName("a blank override means the default")
    void blankOverride() {
        ContainerImages images = ContainerImages.from(Map.of("kata.docker.postgres.image", "  ")::get);

        assertThat(images.postgres().asCanonicalNameString()).isEqualTo("postgres:17");
    }

    @Test
    @DisplayName("an override that is no image reference fails, naming the property")
    void invalidOverride() {
        assertThatThrownBy(() -> ContainerImages.from(Map.of("kata.docker.redis.image", "Not An Image!")::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kata.docker.redis.image");
    }

    @Test
    @DisplayName("the property names are the documented ones")
    void propertyNames() {
        assertThat(ContainerImages.POSTGRES_PROPERTY).isEqualTo("kata.docker.postgres.image");
        assertThat(ContainerImages.REDIS_PROPERTY).isEqualTo("kata.docker.redis.image");
    }
}
