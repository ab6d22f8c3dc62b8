// The agents take where Keyward is and their vault keys from the environment.
export function required(name) {
  const value = process.env[name];
  if (!value || !value.trim()) throw new Error(`set ${name}`);
  return value;
}
