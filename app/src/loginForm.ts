// The office page's sign-in form (plain DOM; the phone app signs in with its own screen).
import { el } from "./dom";
import { heldBy, justWiped, signIn, type Session } from "./session";

/** The sign-in form; `done` runs once a session is stored. */
export function loginForm(done: (session: Session) => void): HTMLElement {
  const username = el("input", { id: "username", name: "username", autocomplete: "username", required: "" });
  const password = el("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: "" });
  const device = el("input", { id: "device-name", name: "device-name", value: "我的手机", required: "" });
  const submit = el("button", { type: "submit" }, "登录");
  const problem = el("p", { class: "error", role: "alert" });
  if (justWiped()) problem.textContent = "此设备已被管理员停用，本机数据已清除。请重新登录。";
  const holder = heldBy();
  const held = holder
    ? el("p", { class: "hint", id: "held" }, `登录已过期。本机保存着 ${holder} 的资料，可能有未上传的记录；请 ${holder} 重新登录。用其他账号登录将清除这些资料。`)
    : el("span", {});
  if (holder) username.value = holder;
  const form = el("form", { class: "login" },
    el("h2", {}, "登录"),
    held,
    el("label", { for: "username" }, "用户名"), username,
    el("label", { for: "password" }, "密码"), password,
    el("label", { for: "device-name" }, "设备名称"), device,
    submit, problem);
  form.onsubmit = (event) => {
    event.preventDefault();
    submit.disabled = true;
    problem.textContent = "";
    signIn(username.value.trim(), password.value, device.value.trim())
      .then(done)
      .catch((e: unknown) => {
        problem.textContent = e instanceof Error ? e.message : String(e);
        submit.disabled = false;
      });
  };
  return form;
}
