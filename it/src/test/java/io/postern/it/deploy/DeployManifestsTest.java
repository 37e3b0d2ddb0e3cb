package io.postern.it.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.postern.gateway.NodeConfig;
import io.postern.key.PrivateKey;
import io.postern.net.Endpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes manifests in {@code deploy/kubernetes} agree with the gateway they run: read with
 * fabric8's Kubernetes model, the configuration in the ConfigMap parsed by the gateway's own parser,
 * ports matched across ConfigMap, container and Service, probes on the paths the gateway serves
 * (the container image test, {@link ContainerImageIT}, asks them of the running image), the Secret
 * mounted read-only, and the pod locked down (non-root, read-only root, no capabilities).
 */
class DeployManifestsTest {
    /** The probe paths of the gateway's metrics listener (its metrics package is not exported). */
    static final String HEALTHZ = "/healthz";
    static final String READYZ = "/readyz";

    @TempDir
    Path dir;

    /** @return the ConfigMap's postern.conf with a PrivateKey added, parsed as the gateway does */
    private NodeConfig configMapConfig(DeployManifests m) throws Exception {
        String conf = m.one(ConfigMap.class).getData().get("postern.conf");
        assertThat(conf).as("ConfigMap holds postern.conf").isNotNull().doesNotContainIgnoringCase("PrivateKey");
        Path file = dir.resolve("postern.conf");
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 7);
        Files.writeString(file, conf.replace("[Interface]", "[Interface]\nPrivateKey = " + PrivateKey.of(key).toBase64()));
        return NodeConfig.load(file);
    }

    @Test
    void portsAgreeWithTheConfiguration() throws Exception {
        DeployManifests m = DeployManifests.read();
        NodeConfig config = configMapConfig(m);
        ContainerPort wireguard = m.port("wireguard");
        assertThat(wireguard.getProtocol()).isEqualTo("UDP");
        assertThat(wireguard.getContainerPort()).as("containerPort = ListenPort").isEqualTo(config.listenPort());

        Service svc = m.one(Service.class);
        assertThat(svc.getSpec().getType()).isEqualTo("LoadBalancer");
        assertThat(svc.getSpec().getExternalTrafficPolicy()).as("client source address kept").isEqualTo("Local");
        assertThat(svc.getSpec().getSelector()).isEqualTo(m.one(Deployment.class).getSpec().getSelector().getMatchLabels());
        assertThat(svc.getSpec().getPorts()).hasSize(1);
        ServicePort sp = svc.getSpec().getPorts().getFirst();
        assertThat(sp.getProtocol()).isEqualTo("UDP");
        assertThat(sp.getTargetPort().getStrVal()).as("targets the container port by name").isEqualTo("wireguard");

        Endpoint metrics = Endpoint.parse(m.arg("--metrics-listen").orElseThrow());
        assertThat(m.port("probes").getContainerPort()).as("containerPort = --metrics-listen port").isEqualTo(metrics.port());
        assertThat(m.port("probes").getProtocol()).isEqualTo("TCP");
        assertThat(metrics.ip().isAnyLocalAddress()).as("probes come to the pod address").isTrue();
    }

    @Test
    void probesUseTheGatewaysPathsAndPort() throws Exception {
        DeployManifests m = DeployManifests.read();
        Container c = m.container();
        for (Probe p : new Probe[] {c.getLivenessProbe(), c.getStartupProbe()}) {
            assertThat(p.getHttpGet().getPath()).isEqualTo(HEALTHZ);
            assertThat(p.getHttpGet().getPort().getStrVal()).isEqualTo("probes");
        }
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo(READYZ);
        assertThat(c.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("probes");

        int drain = Integer.parseInt(m.arg("--drain").orElseThrow());
        long grace = m.one(Deployment.class).getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
        assertThat(drain).as("a drain period").isPositive();
        assertThat(grace).as("the pod is not killed before the drain is over").isGreaterThan(drain + 5L);
        assertThat(c.getArgs()).contains("--watch-config");
    }

    @Test
    void secretAndConfigAreMountedReadOnlyWhereTheArgsLook() throws Exception {
        DeployManifests m = DeployManifests.read();
        Secret secret = m.one(Secret.class);
        PodSpec pod = m.one(Deployment.class).getSpec().getTemplate().getSpec();
        Volume keyVolume = pod.getVolumes().stream()
                .filter(v -> v.getSecret() != null && secret.getMetadata().getName().equals(v.getSecret().getSecretName()))
                .findFirst().orElseThrow(() -> new AssertionError("no volume of the Secret"));
        assertThat(keyVolume.getSecret().getDefaultMode() & 027).as("not writable, not for others").isZero();
        VolumeMount keyMount = mount(m.container(), keyVolume.getName());
        assertThat(keyMount.getReadOnly()).as("Secret mounted read-only").isTrue();
        String keyFile = m.arg("--private-key").orElseThrow();
        assertThat(keyFile).startsWith(keyMount.getMountPath() + "/");
        String keyName = keyFile.substring(keyMount.getMountPath().length() + 1);
        assertThat(secret.getStringData().keySet()).containsExactly(keyName);

        ConfigMap cm = m.one(ConfigMap.class);
        Volume configVolume = pod.getVolumes().stream()
                .filter(v -> v.getConfigMap() != null && cm.getMetadata().getName().equals(v.getConfigMap().getName()))
                .findFirst().orElseThrow(() -> new AssertionError("no volume of the ConfigMap"));
        VolumeMount configMount = mount(m.container(), configVolume.getName());
        assertThat(configMount.getReadOnly()).isTrue();
        assertThat(configMount.getSubPath()).as("a subPath mount never sees ConfigMap updates").isNull();
        assertThat(m.arg("--config").orElseThrow()).isEqualTo(configMount.getMountPath() + "/postern.conf");
    }

    @Test
    void runsLockedDownWithReplicasAndADisruptionBudget() throws Exception {
        DeployManifests m = DeployManifests.read();
        Deployment d = m.one(Deployment.class);
        assertThat(d.getSpec().getReplicas()).isGreaterThanOrEqualTo(2);
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isNotZero();
        var sc = m.container().getSecurityContext();
        assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
        assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
        assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(sc.getCapabilities().getAdd()).as("the udp transport needs no capability").isNullOrEmpty();
        for (VolumeMount vm : m.container().getVolumeMounts()) {
            Volume v = pod.getVolumes().stream().filter(x -> x.getName().equals(vm.getName())).findFirst().orElseThrow();
            if (v.getEmptyDir() == null) {
                assertThat(vm.getReadOnly()).as("only scratch volumes are writable: %s", vm.getName()).isTrue();
            }
        }
        PodDisruptionBudget pdb = m.one(PodDisruptionBudget.class);
        assertThat(pdb.getSpec().getSelector().getMatchLabels()).isEqualTo(d.getSpec().getSelector().getMatchLabels());
        assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(d.getSpec().getReplicas() - 1).as("the budget leaves instances serving").isPositive();
    }

    private static VolumeMount mount(Container c, String volume) {
        return c.getVolumeMounts().stream().filter(vm -> vm.getName().equals(volume)).findFirst()
                .orElseThrow(() -> new AssertionError("volume " + volume + " not mounted"));
    }
}
