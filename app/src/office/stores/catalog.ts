// What every page names things with: the core's vocabulary (categories, statuses,
// satisfaction levels, action names…, read from the WASM core, never copied) and the
// directory of areas and housekeepers the signed-in user may see.
import { defineStore } from "pinia";
import { computed, ref, shallowRef } from "vue";
import { loaded } from "../../core";
import { vocabulary as readVocabulary, type Choice, type Vocabulary } from "../../vocabulary";
import { api, asProblem, type ApiProblem, type Directory, type ProjectRef } from "../api";
import { useSession } from "./session";

export const useCatalog = defineStore("catalog", () => {
  const vocabulary = shallowRef<Vocabulary | null>(null);
  const directory = shallowRef<Directory | null>(null);
  const problem = ref<ApiProblem | null>(null);
  const loading = ref(false);

  async function load(): Promise<void> {
    loading.value = true;
    problem.value = null;
    try {
      const [, dir] = await Promise.all([loaded(), api.directory()]);
      vocabulary.value = readVocabulary();
      directory.value = dir;
    } catch (e) {
      problem.value = asProblem(e);
    } finally {
      loading.value = false;
    }
  }

  function forget(): void {
    directory.value = null;
  }

  /** The vocabulary; pages render only once it is loaded (App.vue waits for it). */
  function v(): Vocabulary {
    if (!vocabulary.value) throw new Error("vocabulary not loaded");
    return vocabulary.value;
  }

  const areas = computed<Choice[]>(() => (directory.value?.areas ?? []).map((a) => ({ value: a.id, label: a.name })));
  const session = useSession();
  /** Projects by ID: from the directory when it lists them, else the areas' projects or
   * the signed-in supervisor's (named by the directory's project when there is one). */
  const projects = computed<ProjectRef[]>(() => {
    const d = directory.value;
    if (!d) return [];
    if (d.projects?.length) return d.projects;
    const fromAreas = d.areas.map((a) => a.projectId).filter((p): p is string => !!p);
    const ids = [...new Set(fromAreas.length ? fromAreas : (session.session?.projects ?? []))];
    return ids.map((id) => ({ id, name: ids.length === 1 && d.project ? d.project : id }));
  });

  function areaName(id: string | null | undefined): string {
    if (!id) return "";
    return directory.value?.areas.find((a) => a.id === id)?.name ?? id;
  }
  /** A user's name where the directory knows it (housekeepers, and whoever is signed in
   * here), else their ID. */
  function nameOf(user: string | null | undefined): string {
    if (!user) return "";
    if (user === session.session?.user) return session.session.name;
    return directory.value?.housekeepers.find((h) => h.id === user)?.name ?? user;
  }
  function housekeepersOf(area: string): Choice[] {
    return (directory.value?.housekeepers ?? []).filter((h) => h.areaId === area).map((h) => ({ value: h.id, label: h.name }));
  }

  return { vocabulary, directory, problem, loading, load, forget, v, areas, projects, areaName, nameOf, housekeepersOf };
});
