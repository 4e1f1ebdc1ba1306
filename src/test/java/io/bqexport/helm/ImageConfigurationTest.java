package io.bqexport.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.cli.OperatorCommand;
import io.bqexport.testing.ProjectFiles;
import io.fabric8.kubernetes.api.model.Container;
import java.nio.file.Files;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import picocli.CommandLine;

/**
 * The image can be neither built nor pulled here (no Docker, no registry but Maven Central), so what decides whether
 * following the README works is checked instead: the image Jib builds is the one the chart and README name, on a
 * pinned base, and runs as the user the chart's security context demands.
 */
class ImageConfigurationTest {
  private static final Document POM = parse();

  @Test
  void chartDefaultImageIsTheImageJibBuilds() throws Exception {
    String built = property("image.repository") + ":" + property("image.tag");
    assertThat(jib("to/image")).isEqualTo("${image.repository}:${image.tag}");

    RenderedChart chart = RenderedChart.render();
    Container operator = chart.deployment().getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(operator.getImage()).isEqualTo(built);
    assertThat(operator.getEnv()).anySatisfy(env -> {
      assertThat(env.getName()).isEqualTo("BQEXPORT_EXPORTER_IMAGE");
      assertThat(env.getValue()).isEqualTo(built);
    });
    assertThat(new CommandLine(new OperatorCommand()).getCommandSpec().findOption("--exporter-image").defaultValue())
        .as("the operator's own default, without the chart").isEqualTo(built);
  }

  @Test
  void readmeNamesOnlyTheTagThatIsBuilt() throws Exception {
    String readme = Files.readString(ProjectFiles.resolve("README.md"));
    Matcher tags = Pattern.compile(Pattern.quote(property("image.repository")) + ":([\\w.<>-]+)").matcher(readme);
    List<String> named = tags.results().map(m -> m.group(1)).distinct().toList();
    assertThat(named).containsAnyOf(property("image.tag")).allSatisfy(tag ->
        assertThat(tag).isIn(property("image.tag"), "<appVersion>"));
    assertThat(readme).doesNotContain("SNAPSHOT");
  }

  @Test
  void baseImageIsPinnedByDigestAndTheContainerRunsAsTheChartsUser() throws Exception {
    assertThat(jib("from/image")).isEqualTo("${image.base}");
    assertThat(property("image.base")).matches("eclipse-temurin:17-jre@sha256:[0-9a-f]{64}");

    var pod = RenderedChart.render().deployment().getSpec().getTemplate().getSpec().getSecurityContext();
    assertThat(jib("container/user")).isEqualTo(pod.getRunAsUser() + ":" + pod.getRunAsGroup());
    assertThat(jib("container/mainClass")).isEqualTo("io.bqexport.cli.BqExportCommand");
    NodeList flags = (NodeList) xpath("container/jvmFlags/jvmFlag", XPathConstants.NODESET);
    List<String> jvmFlags = new java.util.ArrayList<>();
    for (int i = 0; i < flags.getLength(); i++) {
      jvmFlags.add(flags.item(i).getTextContent().trim());
    }
    // A JVM that ran out of memory must die so the pod restarts; MaxRAMPercentage makes the heap follow the limit.
    assertThat(jvmFlags).contains("-XX:+ExitOnOutOfMemoryError", "-XX:MaxRAMPercentage=75");
    assertThat(jib("outputPaths/tar")).isEqualTo("${project.build.directory}/bqexport-image.tar");
    assertThat(Files.readString(ProjectFiles.resolve("Makefile"))).contains("jib:buildTar");
  }

  private static String property(String name) throws Exception {
    return (String) XPathFactory.newInstance().newXPath().evaluate("/project/properties/" + name, POM,
        XPathConstants.STRING);
  }

  private static String jib(String path) throws Exception {
    return ((String) xpath(path, XPathConstants.STRING)).trim();
  }

  private static Object xpath(String path, javax.xml.namespace.QName type) throws Exception {
    return XPathFactory.newInstance().newXPath().evaluate(
        "/project/build/plugins/plugin[artifactId='jib-maven-plugin']/configuration/" + path, POM, type);
  }

  private static Document parse() {
    try {
      return DocumentBuilderFactory.newInstance().newDocumentBuilder()
          .parse(ProjectFiles.resolve("pom.xml").toFile());
    } catch (Exception e) {
      throw new IllegalStateException("pom.xml cannot be read", e);
    }
  }
}
