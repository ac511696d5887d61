# The hub for deploy/kubernetes/values.yaml: the Zero to JupyterHub chart's own hub image with
# Tenfold's store code added, so the hub can make each user's login when their server starts
# (toolkit.stores.users.add_user). Build it from the repository root, with the hub image of the
# chart version you install (CHART_VERSION):
#   docker build -f deploy/kubernetes/hub.Dockerfile --build-arg CHART_VERSION=4.2.0 \
#     -t REGISTRY/tenfold-hub:TAG .
ARG CHART_VERSION
FROM quay.io/jupyterhub/k8s-hub:${CHART_VERSION}
USER root
COPY . /srv/tenfold
# Only the core and the sql extra; versions the lock pins for a server (requirements/runtime.txt).
RUN pip install --no-cache-dir --constraint /srv/tenfold/requirements/runtime.txt \
      "/srv/tenfold[sql]" \
 && rm -rf /srv/tenfold
USER ${NB_USER:-jovyan}
