/**
 * List pages (Orders, Products) keep their filters in the URL, so a view is shareable and the back button works:
 * `go` changes query parameters (a filter change drops the page cursors), and the search box applies what the
 * merchant types after a short pause instead of on every key.
 */
import { useLocation, useNavigate } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState } from "react";

export type GoToQuery = (changes: Record<string, string | null>, keepCursor?: boolean) => void;

export function useUrlFilters(pathname: string): GoToQuery {
  const location = useLocation();
  const navigate = useNavigate();
  return useCallback(
    (changes, keepCursor = false) => {
      const params = new URLSearchParams(location.search);
      if (!keepCursor) {
        params.delete("after");
        params.delete("before");
      }
      for (const [k, v] of Object.entries(changes)) {
        if (v === null || v === "") params.delete(k);
        else params.set(k, v);
      }
      navigate(`${pathname}?${params.toString()}`, { replace: !keepCursor });
    },
    [location.search, navigate, pathname],
  );
}

/** The search box's text; what is typed reaches `apply` 400 ms after the last key. */
export function useDebouncedSearch(initial: string, apply: (q: string) => void) {
  const [search, setSearch] = useState(initial);
  const typed = useRef(false);
  useEffect(() => {
    if (!typed.current) return;
    const timer = setTimeout(() => {
      typed.current = false;
      apply(search);
    }, 400);
    return () => clearTimeout(timer);
  }, [search, apply]);
  return {
    search,
    /** The merchant typed. */
    type: (value: string) => {
      typed.current = true;
      setSearch(value);
    },
    /** Set without applying (clear buttons apply themselves). */
    set: setSearch,
  };
}
