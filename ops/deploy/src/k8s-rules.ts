import { SERVICE_ROLES } from "@varai/gateway/service-roles";
import type { KubeObject } from "./render.ts";

interface Probe {
  httpGet?: { path?: string };
}
interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  ports?: Array<{ name?: string; containerPort: number }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
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
interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec: PodSpec;
}
interface PodSpec {
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  containers: Container[];
  initContainers?: Container[];
}

const templateOf = (deployment: KubeObject) => (deployment.spec as { template: PodTemplate }).template;
const podSpecOf = (deployment: KubeObject) => templateOf(deployment).spec;
const podLabelsOf = (deployment: KubeObject) => templateOf(deployment).metadata?.labels ?? {};

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
 * secret manager through ExternalSecrets), one namespace for everything, every
 * SERVICE_URL_* reachable (`serviceUrlViolations`) and the roles composed whole (`splitViolations`).
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
  problems.push(...serviceUrlViolations(objects), ...splitViolations(objects, SERVICE_ROLES));
  return problems;
}

/** A label selector (matchLabels and matchExpressions), as Deployments, Services and NetworkPolicies use them. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; values?: string[] }>;
}

/** Whether a selector selects these labels. An empty selector selects everything (Kubernetes' rule). */
export function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = key in labels;
    const ok =
      operator === "In"
        ? has && values.includes(labels[key]!)
        : operator === "NotIn"
          ? !has || !values.includes(labels[key]!)
          : operator === "Exists"
            ? has
            : !has;
    if (!ok) return false;
  }
  return true;
}

interface PolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: unknown;
}
interface PolicyRule {
  ports?: Array<{ protocol?: string; port?: number | string }>;
  from?: PolicyPeer[];
  to?: PolicyPeer[];
}
interface PolicySpec {
  podSelector: LabelSelector;
  policyTypes?: string[];
  ingress?: PolicyRule[];
  egress?: PolicyRule[];
}

/**
 * Whether the NetworkPolicies let a pod with labels `from` open TCP `port` on a pod with labels
 * `to` in the same namespace: some Egress policy selecting `from` allows it out, and some Ingress
 * policy selecting `to` lets it in (with default deny, both must). Peers are read as pod selectors
 * of the policy's own namespace; a peer with a namespaceSelector or an ipBlock is not counted
 * (in-namespace traffic needs neither), so this errs towards "denied".
 */
export function networkAllows(
  objects: readonly KubeObject[],
  from: Record<string, string>,
  to: Record<string, string>,
  port: { number: number; name?: string },
): boolean {
  const policies = objects.filter((o) => o.kind === "NetworkPolicy").map((o) => o.spec as unknown as PolicySpec);
  const portMatches = (rule: PolicyRule) =>
    !rule.ports ||
    rule.ports.some(
      (p) =>
        (p.protocol ?? "TCP") === "TCP" && (p.port === undefined || p.port === port.number || p.port === port.name),
    );
  const peerMatches = (peers: PolicyPeer[] | undefined, labels: Record<string, string>) =>
    peers === undefined ||
    peers.some((peer) => !peer.namespaceSelector && !peer.ipBlock && selects(peer.podSelector ?? {}, labels));
  const allowed = (direction: "Ingress" | "Egress", self: Record<string, string>, other: Record<string, string>) =>
    policies.some(
      (p) =>
        (p.policyTypes ?? ["Ingress"]).includes(direction) &&
        selects(p.podSelector, self) &&
        (direction === "Ingress" ? p.ingress : p.egress)?.some(
          (rule) => portMatches(rule) && peerMatches(direction === "Ingress" ? rule.from : rule.to, other),
        ),
    );
  return allowed("Egress", from, to) && allowed("Ingress", to, from);
}

/** What a container's environment holds as far as the manifests say: its ConfigMaps' data, then its literal env. */
function manifestEnv(objects: readonly KubeObject[], container: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const name = source.configMapRef?.name;
    if (!name) continue;
    const map = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === name);
    Object.assign(env, (map?.data as Record<string, string> | undefined) ?? {});
  }
  for (const variable of container.env ?? []) if (variable.value !== undefined) env[variable.name] = variable.value;
  return env;
}

/**
 * The Service an in-cluster URL names (`http://<service>[.<namespace>[.svc[.cluster.local]]][:port]`),
 * or why none: the suffix to append to the caller's own problem line.
 */
function serviceOfUrl(objects: readonly KubeObject[], url: URL, namespace: string | undefined): KubeObject | string {
  const [host, ns, ...suffix] = url.hostname.split(".");
  if (
    (ns !== undefined && ns !== namespace) ||
    (suffix.length > 0 && !["svc", "svc.cluster.local"].includes(suffix.join(".")))
  )
    return ` is not a Service of namespace ${namespace}`;
  const service = objects.find((o) => o.kind === "Service" && o.apiVersion === "v1" && o.metadata.name === host);
  return service ?? `: no Service ${host} in this render`;
}

/** The Deployments a Service's selector selects (none for an empty or missing selector: it would select every pod). */
export function backendsOf(objects: readonly KubeObject[], service: KubeObject): KubeObject[] {
  const selector = (service.spec as { selector?: Record<string, string> }).selector ?? {};
  if (Object.keys(selector).length === 0) return [];
  return objects.filter((o) => o.kind === "Deployment" && selects({ matchLabels: selector }, podLabelsOf(o)));
}

/**
 * The calls between processes hold together in a render: every `SERVICE_URL_*` a Deployment's
 * configuration sets names, by host and port, a Service of the same render (and namespace) whose
 * selector selects a Deployment with that target port, and the NetworkPolicies let the caller's
 * pods reach those pods on it. Every Service selects some Deployment.
 */
export function serviceUrlViolations(objects: readonly KubeObject[]): string[] {
  const problems: string[] = [];
  for (const service of objects.filter((o) => o.kind === "Service" && o.apiVersion === "v1"))
    if (backendsOf(objects, service).length === 0)
      problems.push(`Service ${service.metadata.name} selects no Deployment`);
  for (const deployment of objects.filter((o) => o.kind === "Deployment")) {
    const namespace = deployment.metadata.namespace;
    for (const container of podSpecOf(deployment).containers) {
      const env = manifestEnv(objects, container);
      for (const [name, value] of Object.entries(env)) {
        if (!name.startsWith("SERVICE_URL_")) continue;
        const where = `${deployment.metadata.name}: ${name}=${value}`;
        let url: URL;
        try {
          url = new URL(value);
        } catch {
          problems.push(`${where} is not a URL`);
          continue;
        }
        const service = serviceOfUrl(objects, url, namespace);
        if (typeof service === "string") {
          problems.push(`${where}${service}`);
          continue;
        }
        const host = service.metadata.name;
        const portNumber = Number(url.port || (url.protocol === "https:" ? 443 : 80));
        const servicePort = (
          service.spec as { ports?: Array<{ port: number; targetPort?: number | string }> }
        ).ports?.find((p) => p.port === portNumber);
        if (!servicePort) {
          problems.push(`${where}: Service ${host} has no port ${portNumber}`);
          continue;
        }
        const backends = backendsOf(objects, service);
        if (backends.length === 0) problems.push(`${where}: Service ${host} selects no Deployment`);
        for (const backend of backends) {
          const target = servicePort.targetPort ?? servicePort.port;
          const containerPort = podSpecOf(backend)
            .containers.flatMap((c) => c.ports ?? [])
            .find((p) => p.containerPort === target || p.name === target);
          if (!containerPort) {
            problems.push(`${where}: Deployment ${backend.metadata.name} has no container port ${target}`);
            continue;
          }
          const port = {
            number: containerPort.containerPort,
            ...(containerPort.name ? { name: containerPort.name } : {}),
          };
          if (!networkAllows(objects, podLabelsOf(deployment), podLabelsOf(backend), port))
            problems.push(
              `${where}: the NetworkPolicies do not let ${deployment.metadata.name} reach ${backend.metadata.name} on ${port.number}`,
            );
        }
      }
    }
  }
  return problems;
}

/** `node services/gateway/src/service-main.ts <role>`: the role a Deployment's container runs, or null. */
export function serviceRoleOf(deployment: KubeObject): string | null {
  const container = podSpecOf(deployment).containers[0];
  const argv = [...(container?.command ?? []), ...(container?.args ?? [])];
  const at = argv.findIndex((a) => a.endsWith("service-main.ts"));
  return at >= 0 ? (argv[at + 1] ?? null) : null;
}

/** What a role does (services/gateway/src/service-env.ts SERVICE_ROLES): the service it is, whether it serves its routes, whether it runs its consumers. */
export type ServiceRoles = Readonly<Record<string, { service: string; serve: boolean; run: boolean }>>;

/**
 * The split deployment holds together: every service-main.ts Deployment runs a known role; every
 * SERVICE_URL_<NAME> of the gateway (the Deployments that are no role) reaches Deployments whose
 * role serves <name>; every role that serves is reached by one (a service process nobody calls is
 * a mistake); and every forwarded service's consumers run in some Deployment (the gateway no longer
 * starts them: a queue nobody drains).
 */
export function splitViolations(objects: readonly KubeObject[], roles: ServiceRoles): string[] {
  const problems: string[] = [];
  const deployments = objects.filter((o) => o.kind === "Deployment");
  const roleOf = new Map(deployments.map((d) => [d, serviceRoleOf(d)] as const));
  for (const [deployment, role] of roleOf)
    if (role !== null && !(role in roles)) problems.push(`${deployment.metadata.name} runs unknown role ${role}`);
  const reached = new Set<KubeObject>();
  for (const gateway of deployments.filter((d) => roleOf.get(d) === null)) {
    for (const container of podSpecOf(gateway).containers) {
      for (const [name, value] of Object.entries(manifestEnv(objects, container))) {
        if (!name.startsWith("SERVICE_URL_")) continue;
        const wanted = name.slice("SERVICE_URL_".length).toLowerCase();
        let url: URL;
        try {
          url = new URL(value);
        } catch {
          continue; // serviceUrlViolations reports it
        }
        const service = serviceOfUrl(objects, url, gateway.metadata.namespace);
        if (typeof service === "string") continue;
        for (const backend of backendsOf(objects, service)) {
          reached.add(backend);
          const role = roleOf.get(backend);
          const spec = role ? roles[role] : undefined;
          if (!spec || spec.service !== wanted || !spec.serve)
            problems.push(
              `${gateway.metadata.name}: ${name} reaches ${backend.metadata.name}, which does not serve ${wanted} (role ${role ?? "none"})`,
            );
        }
        if (!deployments.some((d) => roles[roleOf.get(d) ?? ""]?.service === wanted && roles[roleOf.get(d) ?? ""]?.run))
          problems.push(`${gateway.metadata.name} forwards ${wanted}, but no Deployment runs its consumers`);
      }
    }
  }
  for (const [deployment, role] of roleOf)
    if (role !== null && roles[role]?.serve && !reached.has(deployment))
      problems.push(
        `${deployment.metadata.name} serves ${roles[role].service}, but no gateway SERVICE_URL_* reaches it`,
      );
  return problems;
}
