package io.postern.it.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code deploy/kubernetes/postern.yaml} read into fabric8's Kubernetes model, one object per document. */
final class DeployManifests {
    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of("Secret", Secret.class,
            "ConfigMap", ConfigMap.class, "Deployment", Deployment.class, "Service", Service.class,
            "PodDisruptionBudget", PodDisruptionBudget.class);

    final List<HasMetadata> objects;

    private DeployManifests(List<HasMetadata> objects) {
        this.objects = objects;
    }

    /** @return the repository's root (the reactor sets {@code postern.root.dir}) */
    static Path root() {
        return Path.of(System.getProperty("postern.root.dir", "..")).toAbsolutePath().normalize();
    }

    /** @return the manifest file */
    static Path file() {
        return root().resolve("deploy/kubernetes/postern.yaml");
    }

    /** Reads every document; an unknown kind or a field the model does not know is an error. */
    static DeployManifests read() throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<HasMetadata> objects = new ArrayList<>();
        try (var docs = yaml.readerFor(JsonNode.class).<JsonNode>readValues(Files.readString(file()))) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc == null || doc.isEmpty()) {
                    continue;
                }
                String kind = doc.path("kind").asText();
                Class<? extends HasMetadata> type = KINDS.get(kind);
                if (type == null) {
                    throw new IllegalStateException("unexpected kind '" + kind + "' in " + file());
                }
                objects.add(yaml.treeToValue(doc, type));
            }
        }
        return new DeployManifests(objects);
    }

    /** @return the only object of {@code type} */
    <T extends HasMetadata> T one(Class<T> type) {
        List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
        if (found.size() != 1) {
            throw new IllegalStateException(found.size() + " objects of kind " + type.getSimpleName() + " in " + file());
        }
        return found.getFirst();
    }

    /** @return the Deployment's postern container */
    Container container() {
        return one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getName().equals("postern")).findFirst().orElseThrow();
    }

    /** @return the value of {@code --name=value} in the container's args */
    Optional<String> arg(String name) {
        return container().getArgs().stream().filter(a -> a.startsWith(name + "=")).map(a -> a.substring(name.length() + 1))
                .findFirst();
    }

    /** @return the container port called {@code name} */
    io.fabric8.kubernetes.api.model.ContainerPort port(String name) {
        return container().getPorts().stream().filter(p -> name.equals(p.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no container port named " + name));
    }
}
