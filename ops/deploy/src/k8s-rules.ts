import type { KubeObject } from "./render.ts";

interface Probe {
  httpGet?: { path?: string };
}
interface Container {
  name: string;
  image?: string;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  securityContext?: {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
  };
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  env?: Array<{ name: string; value?: string }>;
}
interface PodSpec {
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  containers: Container[];
  initContainers?: Container[];
}

const podSpecOf = (deployment: KubeObject) => (deployment.spec as { template: { spec: PodSpec } }).template.spec;

/** A value that looks like a credential must come from a Secret, never sit in a manifest. */
export const SECRET_NAME = /(SECRET|PASSWORD|TOKEN|_KEYS?$|MONGODB_URL|REDIS_URL)/;

/** Why one container breaks the rules (empty when it keeps them). */
function containerProblems(pod: PodSpec, container: Container, where: string): string[] {
  const problems: string[] = [];
  const sc = container.securityContext ?? {};
  const nonRoot = sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
  const uid = sc.runAsUser ?? pod.securityContext?.runAsUser;
  if (nonRoot !== true) problems.push(`${where}: runAsNonRoot is not true`);
  if (uid === 0) problems.push(`${where}: runs as uid 0`);
  if (sc.readOnlyRootFilesystem !== true) problems.push(`${where}: root filesystem is writable`);
  if (sc.allowPrivilegeEscalation !== false) problems.push(`${where}: privilege escalation allowed`);
  for (const kind of ["requests", "limits"] as const) {
    const r = container.resources?.[kind];
    if (!r?.cpu || !r.memory) problems.push(`${where}: no ${kind} for cpu and memory`);
  }
  if (container.livenessProbe?.httpGet?.path !== "/healthz") problems.push(`${where}: no liveness probe on /healthz`);
  if (container.readinessProbe?.httpGet?.path !== "/readyz") problems.push(`${where}: no readiness probe on /readyz`);
  for (const variable of container.env ?? []) {
    if (variable.value !== undefined && SECRET_NAME.test(variable.name))
      problems.push(`${where}: ${variable.name} is a literal value; it belongs in the secret manager`);
  }
  return problems;
}

/**
 * The rules every rendered environment keeps: no container as root, every Deployment's
 * containers probed on /healthz and /readyz and limited, one HPA and one PDB per
 * Deployment, a default-deny NetworkPolicy, no Secret object (secrets come from the
 * secret manager through ExternalSecrets), one namespace for everything.
 */
export function ruleViolations(objects: readonly KubeObject[]): string[] {
  const problems: string[] = [];
  const deployments = objects.filter((o) => o.kind === "Deployment");
  if (deployments.length === 0) problems.push("no Deployment");
  for (const deployment of deployments) {
    const pod = podSpecOf(deployment);
    for (const container of [...pod.containers, ...(pod.initContainers ?? [])])
      problems.push(...containerProblems(pod, container, `${deployment.metadata.name}/${container.name}`));
    const targets = (kind: string) =>
      objects.filter(
        (o) =>
          o.kind === kind &&
          (kind === "HorizontalPodAutoscaler"
            ? (o.spec as { scaleTargetRef: { kind: string; name: string } }).scaleTargetRef.name ===
              deployment.metadata.name
            : o.metadata.name === deployment.metadata.name),
      ).length;
    if (targets("HorizontalPodAutoscaler") !== 1)
      problems.push(`${deployment.metadata.name}: ${targets("HorizontalPodAutoscaler")} HPAs (want exactly 1)`);
    if (targets("PodDisruptionBudget") !== 1) problems.push(`${deployment.metadata.name}: no PodDisruptionBudget`);
  }
  const denyAll = objects.some((o) => {
    const spec = o.spec as { podSelector?: object; policyTypes?: string[]; ingress?: unknown; egress?: unknown };
    return (
      o.kind === "NetworkPolicy" &&
      Object.keys(spec.podSelector ?? { x: 1 }).length === 0 &&
      spec.policyTypes?.includes("Ingress") &&
      spec.policyTypes?.includes("Egress") &&
      !spec.ingress &&
      !spec.egress
    );
  });
  if (!denyAll) problems.push("no default-deny NetworkPolicy (empty podSelector, Ingress and Egress, no rules)");
  for (const o of objects) if (o.kind === "Secret") problems.push(`Secret ${o.metadata.name} is in the manifests`);
  const namespaces = new Set(objects.filter((o) => o.kind !== "Namespace").map((o) => o.metadata.namespace));
  if (namespaces.size !== 1 || namespaces.has(undefined)) problems.push(`objects span namespaces ${[...namespaces]}`);
  return problems;
}
