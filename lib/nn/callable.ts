/**
 * Constructors that also work without `new`: notebook users write `nn.Linear(3, 2)` and
 * `optim.SGD(params, { lr })` as in PyTorch. Calling constructs; `instanceof` still works.
 */
export type Callable<C extends abstract new (...args: never[]) => unknown> = C &
  ((...args: ConstructorParameters<C>) => InstanceType<C>);

/**
 * Wraps a class so it can be called with or without `new`; the wrapper's name drops a trailing
 * "Layer"/"Optimizer".
 * @example const Linear = callable(LinearLayer); Linear(3, 2) instanceof Linear // true
 */
export function callable<C extends new (...args: never[]) => unknown>(cls: C): Callable<C> {
  const f = function (...args: ConstructorParameters<C>) {
    return new cls(...args);
  };
  f.prototype = cls.prototype;
  Object.defineProperty(f, "name", { value: cls.name.replace(/(Layer|Optimizer)$/, "") });
  return f as unknown as Callable<C>;
}
