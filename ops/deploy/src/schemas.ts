import { ExternalSecret, SecretStore } from "@kubernetes-models/external-secrets/external-secrets.io/v1";
import { Service as KnativeService } from "@kubernetes-models/knative/serving.knative.dev/v1";
import { Deployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, Namespace, PersistentVolumeClaim, Service, ServiceAccount } from "kubernetes-models/v1";
import type { KubeObject } from "./render.ts";

interface Validating {
  validate(): void;
}

/**
 * The JSON schemas (kubernetes-models: Kubernetes' OpenAPI definitions; the External
 * Secrets and Knative CRD schemas) of every kind we deploy. A kind missing here fails
 * validation: nothing goes out unchecked.
 */
const MODELS: Record<string, new (data: never) => Validating> = {
  "apps/v1/Deployment": Deployment,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "v1/ConfigMap": ConfigMap,
  "v1/Namespace": Namespace,
  "v1/PersistentVolumeClaim": PersistentVolumeClaim,
  "v1/Service": Service,
  "v1/ServiceAccount": ServiceAccount,
  "external-secrets.io/v1/ExternalSecret": ExternalSecret,
  "external-secrets.io/v1/SecretStore": SecretStore,
  "serving.knative.dev/v1/Service": KnativeService,
};

/** Schema errors of one object ("" when valid). */
export function schemaErrors(object: KubeObject): string {
  const Model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!Model) return `no schema for ${object.apiVersion} ${object.kind}`;
  try {
    new Model(object as never).validate();
    return "";
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
