package dev.dbkata.grader;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The GitHub Actions workflows of graders/github-actions parse as YAML and keep their promises:
 * current major versions, least-privilege permissions, a concurrency group, a cache restored and
 * saved in separate steps (saved even when the grade fails) keyed on the kata's POMs only.
 */
class WorkflowsTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path FOLDER = Path.of(System.getProperty("kata.root", "../..")).resolve("graders/github-actions");
    /** The newest major version of each action used, as of 2026. */
    private static final Map<String, String> CURRENT = Map.of("actions/checkout", "v6", "actions/setup-java", "v5",
            "actions/cache/restore", "v5", "actions/cache/save", "v5", "actions/upload-artifact", "v7",
            "actions/download-artifact", "v7");

    @Test
    @DisplayName("the learner's workflow: cache saved even below the pass mark, key from the kata's POMs, token for a private kata")
    void gradeSubmission() throws Exception {
        JsonNode workflow = read("grade-submission.yml");
        assertThat(workflow.at("/permissions").toString()).isEqualTo("{\"contents\":\"read\"}");
        assertThat(workflow.at("/concurrency/group").asText()).contains("github.ref");
        List<JsonNode> steps = steps(workflow.at("/jobs/grade"));
        JsonNode restore = step(steps, "actions/cache/restore");
        JsonNode save = step(steps, "actions/cache/save");
        assertThat(steps.indexOf(save)).as("saved after grading").isGreaterThan(steps.indexOf(step(steps, "Grade")));
        assertThat(save.get("if").asText()).startsWith("always()");
        assertThat(save.at("/with/key").asText()).isEqualTo("${{ steps.cache.outputs.cache-primary-key }}");
        assertThat(restore.at("/with/path").asText()).contains("~/.m2/repository", "~/.m2/wrapper", "~/.cache/dbkata");
        String key = restore.at("/with/key").asText();
        assertThat(key).contains("hashFiles(").doesNotContain("submission").doesNotContain("**");
        assertThat(hashedFiles(key)).allSatisfy(f -> assertThat(f).startsWith("kata/").endsWith("pom.xml"));
        JsonNode canonical = steps.stream().filter(s -> s.at("/with/repository").asText().contains("KATA_REPOSITORY"))
                .findFirst().orElseThrow();
        assertThat(canonical.at("/with/token").asText()).contains("secrets.KATA_REPOSITORY_TOKEN");
        assertThat(Files.readString(FOLDER.resolve("grade-submission.yml"))).contains("Actions disabled");
    }

    @Test
    @DisplayName("the class workflow: a matrix of learners, then a job that merges their reports with kata merge-reports")
    void gradeClass() throws Exception {
        JsonNode workflow = read("grade-class.yml");
        assertThat(workflow.at("/permissions").toString()).isEqualTo("{\"contents\":\"read\"}");
        assertThat(workflow.at("/jobs/grade/strategy/matrix").asText()).contains("fromJSON(needs.learners.outputs.matrix)");
        assertThat(workflow.at("/jobs/grade/strategy/fail-fast").asBoolean(true)).isFalse();
        assertThat(workflow.at("/jobs/class-report/needs").asText()).isEqualTo("grade");
        assertThat(workflow.at("/jobs/class-report/if").asText()).contains("always()");
        assertThat(steps(workflow.at("/jobs/class-report")).stream().map(s -> s.path("run").asText()))
                .anySatisfy(run -> assertThat(run).contains("kata merge-reports"));
        assertThat(steps(workflow.at("/jobs/learners")).get(0).path("run").asText()).contains("256");
        assertThat(step(steps(workflow.at("/jobs/grade")), "actions/cache/save").get("if").asText()).startsWith("always()");
    }

    @Test
    @DisplayName("every action is pinned to its current major version")
    void currentMajors() throws Exception {
        for (String file : List.of("grade-submission.yml", "grade-class.yml")) {
            JsonNode jobs = read(file).get("jobs");
            jobs.properties().forEach(job -> steps(job.getValue()).stream().filter(s -> s.has("uses")).forEach(s -> {
                String[] uses = s.get("uses").asText().split("@");
                assertThat(CURRENT).as(file + ": an action this test knows").containsKey(uses[0]);
                assertThat(uses[1]).as(file + ": " + uses[0]).isEqualTo(CURRENT.get(uses[0]));
            }));
        }
    }

    private static JsonNode read(String file) throws Exception {
        JsonNode node = YAML.readTree(FOLDER.resolve(file).toFile());
        assertThat(node.get("jobs")).as(file + " has jobs").isNotNull();
        return node;
    }

    private static List<JsonNode> steps(JsonNode job) {
        List<JsonNode> steps = new ArrayList<>();
        job.get("steps").forEach(steps::add);
        return steps;
    }

    private static JsonNode step(List<JsonNode> steps, String usesOrName) {
        return steps.stream().filter(s -> s.path("uses").asText().startsWith(usesOrName + "@")
                || s.path("name").asText().equals(usesOrName)).findFirst().orElseThrow();
    }

    private static List<String> hashedFiles(String key) {
        String inside = key.substring(key.indexOf("hashFiles(") + 10, key.indexOf(')', key.indexOf("hashFiles(")));
        return List.of(inside.replace("'", "").split(",\\s*"));
    }
}
