// Preact with htm: JSX-like templates without a build step.
import { createContext, h, render } from "preact";
import htm from "htm";

export { createContext, render };
export {
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from "preact/hooks";
export const html = htm.bind(h);
