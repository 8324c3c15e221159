import type { ReactNode } from 'react';

/**
 * Text whose direction comes from its own first strong character: an Arabic product name reads
 * right-to-left inside the left-to-right layout without reordering the text around it.
 */
export function BidiText({ children, className }: { children: ReactNode; className?: string }) {
  return (
    <bdi dir="auto" className={className}>
      {children}
    </bdi>
  );
}
