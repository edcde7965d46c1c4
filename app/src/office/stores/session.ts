// Who is signed in at this desk: the token and identity the server handed out, kept in
// localStorage apart from the phone app's (signing out here never touches a phone's
// records in the same browser).
import { defineStore } from "pinia";
import { computed, ref } from "vue";
import { api, type Session } from "../api";

const KEY = "estate.office.session";
/** The device this browser signed in as last, so signing in again keeps it. */
const DEVICE = "estate.office.device";

function stored(): Session | null {
  try {
    const text = localStorage.getItem(KEY);
    return text ? (JSON.parse(text) as Session) : null;
  } catch {
    return null;
  }
}

export const useSession = defineStore("session", () => {
  const session = ref<Session | null>(stored());
  /** Why the person was signed out, said once on the sign-in page. */
  const farewell = ref("");
  const isAdmin = computed(() => session.value?.role === "admin");

  async function signIn(username: string, password: string, deviceName: string): Promise<void> {
    const signed = await api.login({ username, password, device_name: deviceName, device: localStorage.getItem(DEVICE) });
    localStorage.setItem(KEY, JSON.stringify(signed));
    localStorage.setItem(DEVICE, signed.device);
    session.value = signed;
    farewell.value = "";
  }

  /** Forgets the token; `why` is shown on the sign-in page. */
  function signOut(why = ""): void {
    localStorage.removeItem(KEY);
    session.value = null;
    farewell.value = why;
  }

  /** The server no longer takes the token. */
  function expired(revoked: boolean): void {
    if (!session.value) return;
    signOut(revoked ? "此设备已被管理员停用，请重新登录。" : "登录已失效，请重新登录。");
  }

  return { session, farewell, isAdmin, signIn, signOut, expired };
});
