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
  /** The projects of the areas the user sees, by ID and name. */
  const projects = computed<ProjectRef[]>(() => directory.value?.projects ?? []);
  function projectName(id: string): string {
    return projects.value.find((p) => p.id === id)?.name ?? id;
  }

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

  return { vocabulary, directory, problem, loading, load, forget, v, areas, projects, projectName, areaName, nameOf, housekeepersOf };
});
