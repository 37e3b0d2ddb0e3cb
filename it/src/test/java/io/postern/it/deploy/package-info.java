/** The deployment files under {@code deploy/}: the Kubernetes manifests checked, the container image built and run. */
package io.postern.it.deploy;
