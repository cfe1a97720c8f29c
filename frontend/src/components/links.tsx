import { Anchor, NavLink, type AnchorProps, type NavLinkProps } from '@mantine/core';
import { createLink, type LinkComponent } from '@tanstack/react-router';
import type { AnchorHTMLAttributes, Ref } from 'react';

// Mantine components are polymorphic, which createLink cannot see through: pin them to <a> first.
type AnchorAttrs = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'color' | 'style'>;

function MantineAnchor(props: AnchorProps & AnchorAttrs & { ref?: Ref<HTMLAnchorElement> }) {
  return <Anchor {...props} />;
}

function MantineNavLink(props: NavLinkProps & AnchorAttrs & { ref?: Ref<HTMLAnchorElement> }) {
  return <NavLink component="a" {...props} />;
}

const AnchorRouterLink = createLink(MantineAnchor);
const NavRouterLinkInner = createLink(MantineNavLink);

/** Mantine's Anchor and NavLink as typed router links (to/params/search are checked against the route tree). */
export const AnchorLink: LinkComponent<typeof MantineAnchor> = (props) => <AnchorRouterLink {...props} />;
export const NavRouterLink: LinkComponent<typeof MantineNavLink> = (props) => <NavRouterLinkInner {...props} />;
